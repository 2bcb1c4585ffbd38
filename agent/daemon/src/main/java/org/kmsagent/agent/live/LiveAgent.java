package org.kmsagent.agent.live;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.LicensingCallsView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.bus.view.SkippedFileView;
import org.kmsagent.agent.config.PluginsDirSetting;
import org.kmsagent.agent.daemon.DaemonBanner;
import org.kmsagent.agent.daemon.DaemonContext;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.plugin.PluginSignatures;
import org.kmsagent.agent.plugin.SkippedFile;
import org.kmsagent.agent.renewal.RenewalEvent;
import org.kmsagent.agent.renewal.RenewalLoop;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's real binding of the control API. It only composes its parts and orders their start and stop; each
 * part has one job:
 * <ul>
 *   <li>{@link MachineAccess} / {@link MachineThread}: the one worker context (a dedicated thread, so licensing calls
 *       may block) where timers fire and where the control methods hand their work, so the loops, the simulated
 *       machine (not thread-safe) and administrator actions never interleave;
 *   <li>{@link StatePersistence}: the durable state ({@link org.kmsagent.agent.daemon.StateStore}, atomic writes);
 *   <li>{@link MachineLicensing}: the licensing stack {@code licensing} selects (SLC on Windows; otherwise a
 *       {@link SimulatedSite} standing for this computer), with faults and deadlines;
 *   <li>{@link HostRoleRunner}: the optional KMS host role over the durable ledger, or the watched genuine host;
 *   <li>{@link ProductTracker}: one {@link RenewalLoop} per installed product of every loaded family, resumed from
 *       its stored schedule, saved after every run, its events published as {@value #RENEWAL};
 *   <li>{@link LiveControl}: the control API's requests.
 * </ul>
 * The parts are built by injection ({@link DaemonModule} plus the Guice modules on the class path, which bring the
 * licensing stacks), one injector per start.
 */
public final class LiveAgent implements AgentControl, DaemonBanner, AutoCloseable {
    /** Event type of renewal-loop events on {@code kmsagent.events}. */
    public static final String RENEWAL = EventPublisher.RENEWAL;

    private static final Logger LOG = LoggerFactory.getLogger(LiveAgent.class);

    private final StartBanner banner;
    private final MachineAccess machine;
    private final StatePersistence persistence;
    private final MachineLicensing licensing;
    private final HostRoleRunner hosts;
    private final ProductTracker tracker;
    private final LiveControl control;
    private final Provider<PluginHost> pluginHost;
    private PluginHost plugins;

    @Inject
    LiveAgent(
            StartBanner banner,
            MachineAccess machine,
            StatePersistence persistence,
            MachineLicensing licensing,
            HostRoleRunner hosts,
            ProductTracker tracker,
            LiveControl control,
            Provider<PluginHost> pluginHost) {
        this.banner = banner;
        this.machine = machine;
        this.persistence = persistence;
        this.licensing = licensing;
        this.hosts = hosts;
        this.tracker = tracker;
        this.control = control;
        this.pluginHost = pluginHost;
    }

    /**
     * Starts everything and waits until the plugins are loaded and every loop is started. Call from a non-Vert.x
     * thread.
     *
     * @throws Exception it could not start; what had started is stopped
     */
    public static LiveAgent start(DaemonContext context) throws Exception {
        return start(DaemonWiring.classPathModules(), context);
    }

    /**
     * Builds the agent by injection from {@code modules} (the Guice modules on the class path) and the daemon's
     * bindings over {@code context}, then starts it as {@link #start(DaemonContext)} does.
     */
    static LiveAgent start(List<Module> modules, DaemonContext context) throws Exception {
        List<Module> all = new ArrayList<>(modules);
        var trust = context.config().plugins();
        all.add(new DaemonModule(
                context,
                PluginsDirSetting.folder(context.config()),
                PluginSignatures.configured(trust.trustStore(), trust.trustStorePassword())));
        LiveAgent agent;
        try {
            // DEVELOPMENT: the parts are made when the agent needs them, not all eagerly; the plugin host, for one, is
            // made on the machine thread, where it always was.
            agent = Guice.createInjector(Stage.DEVELOPMENT, all).getInstance(LiveAgent.class);
        } catch (ProvisionException e) {
            // A part that could not be made (the machine thread not deployed): its own failure, as before injection.
            throw e.getErrorMessages().size() == 1 && e.getCause() instanceof Exception cause ? cause : e;
        }
        try {
            agent.startComponents();
            return agent;
        } catch (Exception e) {
            agent.close();
            throw e;
        }
    }

    private void startComponents() throws Exception {
        tracker.markStarted();
        machine.onMachine(() -> {
            startOnMachine();
            return null;
        });
    }

    private void startOnMachine() throws Exception {
        persistence.load();
        hosts.resolveSettings(persistence);
        licensing.choose(Optional.ofNullable(persistence.state().machine()), persistence.damaged());
        hosts.start();
        tracker.reportSettings();
        plugins = pluginHost.get();
        tracker.follow();
        List<String> ids =
                plugins.registry().families().stream().map(LoadedFamily::id).toList();
        int failed = plugins.failedPlugins().size();
        banner.add("kms-agent: plugins from " + plugins.directory() + ": " + ids.size() + " loaded " + ids
                + (failed == 0 ? "" : ", " + failed + " failed")
                + (Files.isDirectory(plugins.directory())
                        ? ""
                        : " (no such directory: check pluginsDir or --plugins-dir)"));
        banner.add("kms-agent: " + plugins.signatures().describe());
        for (PluginProblem p : plugins.problems()) {
            banner.add("kms-agent: plugin not loaded: " + p.message());
        }
        for (SkippedFile skipped : plugins.skipped()) {
            banner.add("kms-agent: " + skipped.message());
        }
        if (ids.isEmpty()) {
            // The agent runs, and keeps nothing activated: said once here and in the log, not only as "0 loaded".
            String line = "no plugin loaded from " + plugins.directory() + ": no product is kept activated; "
                    + (!plugins.problems().isEmpty()
                            ? "fix the plugins not loaded (named above), or copy the family plugins there"
                            : Files.isDirectory(plugins.directory())
                                    ? "copy the family plugins there (the plugins folder of the release archive)"
                                    : "point pluginsDir or --plugins-dir at the folder of the family plugins")
                    + " (docs/plugin-guide.md)";
            LOG.warn(line);
            banner.add("kms-agent: " + line);
        }
        if (licensing.site() != null) {
            for (String line :
                    licensing.site().unknownEditions(plugins.registry().families())) {
                banner.add("kms-agent: " + line);
            }
        }
        tracker.reportStart(ids);
        hosts.reportUnknownKeys();
        tracker.reportLoops();
    }

    /** What the licensing-call deadlines caught since start (for status and doctor). */
    public String licensingCalls() {
        return licensing.licensingCalls();
    }

    /** A renewal event as the fleet link and {@code ctl watch} read it (docs/event-bus.md, docs/fleet.md). */
    static JsonObject renewalJson(RenewalEvent e) {
        return RenewalEvents.renewalJson(e);
    }

    /** The jar a load request names, which must be a file directly in the plugins directory. */
    static Path inPluginsDirectory(Path directory, Path jar) {
        return LiveControl.inPluginsDirectory(directory, jar);
    }

    /**
     * Looks for the installed products now, as the agent does every activation interval; for this package's tests,
     * which do not wait two hours.
     */
    void lookForProductsNow() {
        machine.onMachine(() -> {
            tracker.lookAgain();
            return null;
        });
    }

    /**
     * Installs an edition of a loaded family on the simulated machine, as a person installs a product on a running
     * machine; for this package's tests.
     */
    void installOnSimulatedMachine(String familyId, String edition) {
        machine.onMachine(() -> licensing
                .site()
                .installEdition(plugins.registry().family(familyId).orElseThrow(), edition)
                .orElseThrow());
    }

    // ---- the control API, answered by LiveControl ----

    @Override
    public List<ProductView> products() {
        return control.products();
    }

    @Override
    public List<String> clientMachineIds() {
        return control.clientMachineIds();
    }

    @Override
    public Optional<String> osClass() {
        return control.osClass();
    }

    @Override
    public Optional<GenuineHostView> watchedHost() {
        return control.watchedHost();
    }

    @Override
    public HostView host() {
        return control.host();
    }

    @Override
    public List<ActionResult> activate(Optional<String> family) {
        return control.activate(family);
    }

    @Override
    public List<ActionResult> installGvlk(Optional<String> family, Optional<ProductKey> key) {
        return control.installGvlk(family, key);
    }

    @Override
    public KmsEndpoint setKms(Optional<String> family, KmsEndpoint endpoint) {
        return control.setKms(family, endpoint);
    }

    @Override
    public void clearKms(Optional<String> family) {
        control.clearKms(family);
    }

    @Override
    public HostSettingsView hostSettings() {
        return control.hostSettings();
    }

    @Override
    public HostSettingsView updateHostSettings(HostSettingsView settings) {
        return control.updateHostSettings(settings);
    }

    @Override
    public List<PluginView> plugins() {
        return control.plugins();
    }

    @Override
    public List<SkippedFileView> skippedPluginFiles() {
        return control.skippedPluginFiles();
    }

    @Override
    public PluginView loadPlugin(Path jar) {
        return control.loadPlugin(jar);
    }

    @Override
    public void unloadPlugin(String pluginId) {
        control.unloadPlugin(pluginId);
    }

    @Override
    public List<PluginView> rescanPlugins() {
        return control.rescanPlugins();
    }

    @Override
    public Optional<LicensingCallsView> licensingCallTimeouts() {
        return licensing.licensingCallTimeouts();
    }

    @Override
    public List<String> banner() {
        return banner.lines();
    }

    /** Stops the loops (their state saved), the plugins and the host ledger. Idempotent. */
    @Override
    public void close() {
        if (machine.closed()) {
            return;
        }
        licensing.releaseFaults(); // injected hangs end now rather than hold a thread through shutdown
        try {
            machine.onMachineUnchecked(() -> {
                tracker.stop();
                machine.markClosed();
                if (plugins != null) {
                    plugins.close();
                }
                hosts.close();
                return null;
            });
        } catch (Exception e) {
            LOG.warn("shutdown: the renewal loops or the host ledger did not stop cleanly", e);
        } finally {
            machine.markClosed();
            licensing.close();
            try {
                machine.thread().close();
            } catch (Exception e) {
                LOG.debug("machine context at shutdown: {}", e.toString());
            }
        }
    }
}
