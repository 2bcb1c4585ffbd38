package org.kmsagent.agent.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The command line's injector: the cli module's own bindings plus every Guice module on the class path that
 * declares itself in {@code META-INF/services/com.google.inject.Module} (the full install's hub, simulator and
 * bench). Built once per process, on first use.
 */
final class CliInjector {
    private CliInjector() {}

    private static final class Holder {
        static final Injector INJECTOR = Guice.createInjector(modules());
    }

    static Injector get() {
        return Holder.INJECTOR;
    }

    /** The modules, the cli's first so that its subcommands come first in {@code --help}. */
    static List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        modules.add(new CliModule());
        modules.addAll(classPathModules());
        return modules;
    }

    /** The modules the class path declares in {@code META-INF/services/com.google.inject.Module}; nothing is scanned. */
    static List<Module> classPathModules() {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class).forEach(modules::add);
        return modules;
    }
}
