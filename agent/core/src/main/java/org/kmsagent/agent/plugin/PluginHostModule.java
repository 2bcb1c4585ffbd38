package org.kmsagent.agent.plugin;

import com.google.inject.AbstractModule;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Binds the plugin host's settings. Only bindings here: no IO and no branching (docs/architecture.md, "Wiring");
 * components are constructor-injected and their classes say {@code @Singleton} where there must be one.
 */
public final class PluginHostModule extends AbstractModule {
    private final Path pluginsDirectory;
    private final PluginSignatures signatures;
    private final PluginHost.ProblemReport problemReport;

    /** Plugins from a directory, their signatures not checked. */
    public PluginHostModule(Path pluginsDirectory) {
        this(pluginsDirectory, PluginSignatures.notChecked());
    }

    /** Plugins from a directory, each jar first checked by {@code signatures}; a jar that fails is logged. */
    public PluginHostModule(Path pluginsDirectory, PluginSignatures signatures) {
        this(pluginsDirectory, signatures, PluginHost.ProblemReport.LOG);
    }

    /** Plugins from a directory, each jar first checked by {@code signatures}; a jar that fails is reported so. */
    public PluginHostModule(
            Path pluginsDirectory, PluginSignatures signatures, PluginHost.ProblemReport problemReport) {
        this.pluginsDirectory = Objects.requireNonNull(pluginsDirectory, "pluginsDirectory");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.problemReport = Objects.requireNonNull(problemReport, "problemReport");
    }

    @Override
    protected void configure() {
        bind(Path.class).annotatedWith(PluginsDirectory.class).toInstance(pluginsDirectory);
        bind(PluginSignatures.class).toInstance(signatures);
        bind(PluginHost.ProblemReport.class).toInstance(problemReport);
    }
}
