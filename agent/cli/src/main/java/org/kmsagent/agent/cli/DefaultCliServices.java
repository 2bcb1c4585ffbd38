package org.kmsagent.agent.cli;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.sun.jna.Platform;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.kmsagent.agent.command.PluginLease;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.plugin.PluginSignatures;

/**
 * The real wiring of {@link CliServices}: the families from the root command's plugins directory, the licensing
 * stacks from the licensing modules on the class path (one injector per command, since the simulated machine holds
 * that command's families).
 */
final class DefaultCliServices implements CliServices {
    private final Supplier<KmsAgentCommand> root;
    /** The command's hold on its plugins, for the rest of the command (its families are used until it ends). */
    private PluginLease plugins;

    /** {@code root} is read when a family is first asked for, after picocli has parsed the options. */
    DefaultCliServices(Supplier<KmsAgentCommand> root) {
        this.root = root;
    }

    @Override
    public List<LoadedFamily> families() {
        return plugins().registry().families();
    }

    @Override
    public Optional<Path> pluginsDirectory() {
        return Optional.of(plugins().directory());
    }

    @Override
    public PluginSignatures pluginSignatures() {
        return plugins().signatures();
    }

    @Override
    public List<PluginProblem> pluginProblems() {
        return plugins().problems();
    }

    private synchronized PluginHost plugins() {
        if (plugins == null) {
            plugins = root.get().loadPlugins();
        }
        return plugins.host();
    }

    /** The licensing modules' stacks, built by Guice with this command's {@link OfflineMachineModule}. */
    @Override
    public LicensingStacks stacks() {
        List<Module> modules = new ArrayList<>(CliInjector.classPathModules());
        modules.add(new OfflineMachineModule(this::families, this::agentConfig, line -> {
            PrintWriter err = root.get().spec.commandLine().getErr();
            err.println(line);
            err.flush();
        }));
        return Guice.createInjector(modules).getInstance(LicensingStacks.class);
    }

    /** The root command's, which its plugin trust store was read from too. */
    @Override
    public AgentConfig agentConfig() {
        return root.get().agentConfig().get();
    }

    @Override
    public boolean windows() {
        return Platform.isWindows();
    }
}
