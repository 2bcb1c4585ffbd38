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
 * bench). Built once per process: on a second thread from {@link #startAhead()}, which the command line calls before
 * picocli reads the root command, or on first use.
 */
final class CliInjector {
    private CliInjector() {}

    private static final Ahead<Injector> INJECTOR = new Ahead<>("cli-injector", () -> Guice.createInjector(modules()));

    /** Starts building the injector beside picocli's own start-up (both take about a tenth of a second). */
    static void startAhead() {
        INJECTOR.start();
    }

    static Injector get() {
        return INJECTOR.get();
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
