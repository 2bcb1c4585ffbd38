package org.kmsagent.agent.live;

import com.google.inject.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.daemon.ControlBinding;

/**
 * THE place where {@code kms-agent run} binds the control API to the real components: {@link #production()} is the
 * {@link org.kmsagent.agent.live.LiveAgent} (plugin host, licensing stack, renewal loops resumed from the stored
 * state, the host role when configured), built by injection from the Guice modules on the class path and the
 * daemon's own {@link DaemonModule}.
 */
public final class DaemonWiring {
    private DaemonWiring() {}

    /**
     * The binding {@code kms-agent run} and the Windows service use. The class path's modules are found once, here;
     * the injector is made once per start of the daemon, when the configuration and Vert.x exist.
     */
    public static ControlBinding production() {
        List<Module> modules = classPathModules();
        return context -> LiveAgent.start(modules, context);
    }

    /**
     * Refuses a {@code pluginsDir} the configuration names (in agent.yaml, by {@code --set} or by
     * {@code --plugins-dir}) that is no directory: a typo there would otherwise start an agent that renews nothing
     * (0 families). Only the default {@code plugins} may be missing (then {@code plugins/} beside the installation is
     * used, and the banner says when that is missing too). Call before the daemon starts.
     *
     * @throws ConfigException the configured plugins folder does not exist or is not a directory
     */
    public static void checkPluginsDir(AgentConfig config) throws ConfigException {
        if (config.pluginsDir().equals(AgentConfig.DEFAULT_PLUGINS_DIR)) {
            return;
        }
        Path dir = LiveAgent.pluginsDirectory(config);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(
                    "pluginsDir: " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
    }

    /**
     * The Guice modules every module on the class path declares in {@code META-INF/services/com.google.inject.Module}
     * (the licensing stacks; the full install's subcommands, unused here). Read from those files: nothing is scanned.
     */
    static List<Module> classPathModules() {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class, DaemonWiring.class.getClassLoader()).forEach(modules::add);
        return modules;
    }
}
