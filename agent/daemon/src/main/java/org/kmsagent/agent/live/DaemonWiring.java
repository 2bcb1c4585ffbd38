package org.kmsagent.agent.live;

import com.google.inject.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
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
     * The Guice modules every module on the class path declares in {@code META-INF/services/com.google.inject.Module}
     * (the licensing stacks; the full install's subcommands, unused here). Read from those files: nothing is scanned.
     */
    static List<Module> classPathModules() {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class, DaemonWiring.class.getClassLoader()).forEach(modules::add);
        return modules;
    }
}
