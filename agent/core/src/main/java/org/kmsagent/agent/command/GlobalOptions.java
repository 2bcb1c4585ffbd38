package org.kmsagent.agent.command;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The options every {@code kms-agent} subcommand inherits from the root command, as subcommands of any module see
 * them ({@code @ParentCommand GlobalOptions root}): the root command lives in the cli module, which the modules
 * contributing subcommands (hub, simulator, bench) do not depend on.
 */
public interface GlobalOptions {
    /**
     * The plugins directory in force: {@code --plugins-dir}, else the {@code pluginsDir} of the agent's configuration
     * ({@code KMSAGENT_CONFIG} and the {@code KMSAGENT_*} overrides), whose default is {@code plugins/} beside the
     * installation: the folder {@code run} loads with the same configuration.
     */
    Path pluginsDirectory();

    /** The {@code --plugins-dir} given on the command line, if one was. */
    Optional<Path> pluginsDirOption();

    /**
     * A hold on a plugin host over the plugins directory, with every jar in it loaded; close it when done. The command
     * line loads its plugins once: while a command holds them, a command it runs gets the same host
     * ({@link PluginLease}); once every lease is closed, the host is closed and a later call loads them afresh.
     * Problems are kept, not thrown, and each is printed once on the command's standard error as {@code warning:
     * plugin not loaded: ...}: callers do not print them again. A plugins directory given ({@code --plugins-dir}) or
     * configured ({@code pluginsDir}) that does not exist is refused.
     */
    PluginLease loadPlugins();
}
