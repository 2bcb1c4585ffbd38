package org.kmsagent.agent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.plugin.PluginSignatures;

/**
 * What the {@code status} and {@code doctor} commands need from the rest of the agent: the loaded families,
 * the licensing-stack chooser and the agent's configuration. Tests pass their own; {@link DefaultCliServices} is the real wiring.
 */
public interface CliServices {

    /** The families loaded from the plugins directory. */
    List<LoadedFamily> families();

    /** The plugins directory the families were loaded from, where known (a test's families come from none). */
    default Optional<Path> pluginsDirectory() {
        return Optional.empty();
    }

    /**
     * The signature check the families were loaded with ({@code plugins.trustStore}), as read for that load: what
     * doctor reports, without reading the trust store again.
     */
    PluginSignatures pluginSignatures();

    /** The plugin jars of that load that were refused, and why (none when every jar loaded). */
    List<PluginProblem> pluginProblems();

    /** Chooses the licensing stack: {@code --licensing}, else the configuration's {@code licensing}. */
    LicensingStacks stacks();

    /**
     * The configuration the command checks the machine with ({@code doctor --config FILE}, else
     * {@code KMSAGENT_CONFIG}; and the {@code KMSAGENT_*} overrides), read once for the whole command: the one its
     * plugins were loaded with.
     */
    AgentConfig agentConfig();

    /** Whether this JVM runs on Windows (the self-test's precondition). */
    boolean windows();
}
