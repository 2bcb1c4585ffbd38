package org.kmsagent.agent.daemon;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.BusApi;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.AuditRoutes;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.core.CannotListen;
import org.kmsagent.agent.core.DamagedFiles;
import org.kmsagent.agent.core.OwnerOnly;
import org.kmsagent.agent.link.FleetAgent;
import org.kmsagent.agent.metrics.AgentMetrics;
import org.kmsagent.agent.metrics.Figures;
import org.kmsagent.agent.metrics.MetricsEndpoint;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.eventlog.EventLogWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: Vert.x, the control API on the bus, the TLS bridge, and whatever {@link ControlBinding} bound
 * behind them. {@link #close()} stops them in reverse order (bridge first, so no request arrives mid-shutdown).
 */
public final class AgentDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);

    private final Vertx vertx;
    private final BusApi api;
    private final AgentBridge bridge;
    private final AgentControl control;
    private final DaemonContext context;
    private final Path adminTokenFile;
    private FleetAgent fleet;
    private AgentAudit audit;
    private AgentMetrics metrics;
    private MetricsEndpoint metricsEndpoint;
    private boolean closed;
    private AgentEvents consoleEvents;
    private long startedAt;
    /** The data folder's lock, released last, once everything that writes there has stopped. */
    private DataFolderLock lock;
    /** What went wrong at start but did not stop it (damaged TLS material), for the banner. */
    private final List<String> startProblems = new ArrayList<>();
    /** What the configuration is warned of ({@link #warnOf}), for the banner. */
    private final List<String> configurationWarnings = new ArrayList<>();

    private AgentDaemon(
            Vertx vertx,
            BusApi api,
            AgentBridge bridge,
            AgentControl control,
            DaemonContext context,
            Path adminTokenFile) {
        this.vertx = vertx;
        this.api = api;
        this.bridge = bridge;
        this.control = control;
        this.context = context;
        this.adminTokenFile = adminTokenFile;
    }

    /**
     * Starts the agent and waits until it serves. Call from a non-Vert.x thread.
     *
     * @throws Exception it could not start; whatever had started is stopped again
     */
    public static AgentDaemon start(AgentConfig config, ControlBinding binding, Clock clock) throws Exception {
        // Run from a console (kms-agent run): the agent writes its own start and stop to the Event Log (a no-op off
        // Windows); as a service, the service host writes them (start(..., events)).
        AgentEvents events = new AgentEvents(EventLogWriter.open(EventLogWriter.SOURCE));
        AgentDaemon daemon = start(config, binding, clock, events);
        String version = Optional.ofNullable(AgentDaemon.class.getPackage().getImplementationVersion())
                .orElse("dev");
        events.agentStarted(
                version,
                System.getProperty("java.vendor") + " " + Runtime.version(),
                ProcessHandle.current().pid());
        daemon.consoleEvents = events;
        daemon.startedAt = System.nanoTime();
        return daemon;
    }

    /**
     * Starts the agent with the given Event Log writer (the service host's), relaying the renewal loop's events to it
     * ({@link EventLogRelay}).
     */
    public static AgentDaemon start(AgentConfig config, ControlBinding binding, Clock clock, AgentEvents windowsEvents)
            throws Exception {
        Path dataDir = Path.of(config.dataDir()).toAbsolutePath();
        OwnerOnly.directories(dataDir);
        // Before anything reads or writes the folder: a second agent on it would overwrite this one's state.
        DataFolderLock lock;
        try {
            lock = DataFolderLock.acquire(dataDir);
        } catch (DataFolderLock.InUseException e) {
            ClassDataArchive.forgetRealRun();
            throw e;
        }
        try {
            return start(config, binding, clock, windowsEvents, dataDir, lock);
        } catch (Exception | Error e) {
            try {
                lock.close();
            } catch (IOException io) {
                e.addSuppressed(io);
            }
            throw e;
        }
    }

    private static AgentDaemon start(
            AgentConfig config,
            ControlBinding binding,
            Clock clock,
            AgentEvents windowsEvents,
            Path dataDir,
            DataFolderLock lock)
            throws Exception {
        Figures figures = config.metrics().enabled() ? new Figures("kmsagent") : null;
        Vertx vertx =
                Figures.instrument(Vertx.builder(), vertxOptions(), figures).build();
        FleetAgent fleet = null;
        AgentAudit audit = null;
        AgentControl control = null;
        try {
            audit = AgentAudit.start(vertx, dataDir, clock);
            EventLogRelay.attach(vertx.eventBus(), windowsEvents);
            List<String> startProblems = new ArrayList<>();
            Injector parts = Guice.createInjector(
                    new AgentDaemonModule(config, clock, dataDir, vertx, Optional.ofNullable(figures)));
            DaemonContext context = parts.getInstance(DaemonContext.class);
            EventPublisher events = context.events();
            // The agent dials out to its hubs (docs/fleet.md); nothing here listens for them. Its outbox takes events
            // from before the binding starts, so the renewal loops' first attempts reach the hubs as well.
            fleet = config.fleet().hubs().isEmpty()
                    ? null
                    : FleetAgent.listen(vertx, config, dataDir, clock, audit.trail());
            if (fleet != null) {
                audit.forwardTo(fleet);
            }
            // The counters too listen before the renewal loops' first attempts.
            AgentMetrics metrics =
                    parts.getInstance(new Key<Optional<AgentMetrics>>() {}).orElse(null);
            if (metrics != null) {
                metrics.start().await(30, TimeUnit.SECONDS);
            }
            // The listeners before the binding: an address the agent cannot listen on stops the start before any
            // renewal loop has run, so a failed start has made no licensing call and stored nothing. Until the API is
            // registered below, a request through the bridge is answered 503 (no consumer yet, docs/event-bus.md),
            // and a scrape shows no component's gauges; "ready" (start returns, the banner is printed, the service
            // reports RUNNING) still comes after all of it.
            AgentBridge bridge = null;
            Path adminTokenFile = null;
            if (config.bridge().enabled()) {
                List<TokenConfig> tokens = config.bridge().tokens();
                if (tokens.isEmpty()) {
                    tokens = List.of(AdminToken.ensure(dataDir, clock, startProblems));
                    adminTokenFile = AdminToken.file(dataDir);
                }
                bridge = startBridge(vertx, config, dataDir, tokens, clock, startProblems, audit.trail());
                parts.getInstance(BridgeConnections.class).listening(bridge);
            }
            MetricsEndpoint metricsEndpoint = metrics == null
                    ? null
                    : MetricsEndpoint.start(vertx, config.metrics(), figures, metrics::refresh)
                            .await(30, TimeUnit.SECONDS);
            control = binding.bind(context);
            BusApi api = new BusApi(vertx, control, events);
            api.register().await(30, TimeUnit.SECONDS);
            AgentDaemon daemon = new AgentDaemon(vertx, api, bridge, control, context, adminTokenFile);
            daemon.lock = lock;
            daemon.startProblems.addAll(startProblems);
            daemon.audit = audit;
            daemon.metrics = metrics;
            daemon.metricsEndpoint = metricsEndpoint;
            if (fleet != null) {
                daemon.fleet = fleet;
                fleet.dial();
            }
            return daemon;
        } catch (Exception e) {
            if (fleet != null) {
                fleet.close();
            }
            // The renewal loops and the ledger, when the bus API could not be registered after them.
            if (control instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            if (audit != null) {
                audit.close();
            }
            vertx.close().await(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Vert.x for one machine: two event loops whatever the core count (the bridge, the metrics endpoint and the fleet
     * link are a handful of connections), and host names resolved by the JDK, as every other program on the machine
     * resolves them (hosts file, the system's DNS client), rather than by Netty's own DNS resolver, which the machine
     * agent does not ship (docs/performance.md).
     */
    private static VertxOptions vertxOptions() {
        if (System.getProperty("vertx.disableDnsResolver") == null) {
            System.setProperty("vertx.disableDnsResolver", "true");
        }
        return new VertxOptions().setEventLoopPoolSize(2);
    }

    /**
     * Starts the bridge. Damaged TLS material the agent made itself ({@code <dataDir>/tls/}) is moved aside
     * ({@link DamagedFiles}) and a new self-signed pair made (a new fingerprint: clients trust it again); a second
     * failure leaves the bridge off for this run, said in the banner; everything else (the renewal of this machine's
     * products above all) starts regardless. Configured material that cannot be used is a configuration error
     * ({@link ConfigException}), as a configured file that is missing is. Only the material is
     * judged so: an address it cannot listen on (the port taken, a host not this machine's) leaves the certificate
     * alone and stops the start ({@link CannotListen}), since an agent must not run without its control API.
     *
     * @return the bridge, or null when it is off for this run
     * @throws CannotListen the bridge cannot listen on {@code bridge.host:bridge.port}
     */
    private static AgentBridge startBridge(
            Vertx vertx,
            AgentConfig config,
            Path dataDir,
            List<TokenConfig> tokens,
            Clock clock,
            List<String> problems,
            AuditTrail audit)
            throws Exception {
        TlsMaterial tls = tlsMaterial(config, dataDir, clock, problems);
        if (tls == null) {
            return null;
        }
        // The bridge records admin actions and refusals (docs/audit.md); admin tokens may also read the audit.
        return new AgentBridge(vertx, config.bridge(), tls, tokens, new AuditRoutes())
                .audited(audit)
                .listen()
                .await(30, TimeUnit.SECONDS);
    }

    /**
     * The bridge's TLS material, read and checked; see {@link #startBridge}. Null when the bridge is off.
     *
     * @throws ConfigException the configured certificate or key cannot be used
     */
    private static TlsMaterial tlsMaterial(AgentConfig config, Path dataDir, Clock clock, List<String> problems)
            throws ConfigException {
        if (config.bridge().tls().certFile() != null) {
            // The administrator's files: a mistake in the configuration, as a missing one is (exit 2), not damage to
            // work around; nothing the agent could make in their place would be trusted. Checked with the rest of the
            // configuration, each named where it was written (ConfigValidator); here only a file changed since.
            try {
                return readTlsMaterial(config, dataDir);
            } catch (RuntimeException e) {
                throw new ConfigException(
                        "bridge.tls: the configured certificate and key cannot be used (" + oneLine(e) + ")");
            }
        }
        Path dir = dataDir.resolve("tls");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            // Not the agent's material: nothing to move aside, and no pair can be made where a file stands.
            problems.add("kms-agent: " + dir + " is a file, not a folder: the bridge's TLS material cannot be kept "
                    + "there; bridge disabled (move or remove that file)");
            LOG.error("bridge disabled: {} is a file, not a folder (move or remove that file)", dir);
            return null;
        }
        try {
            return readTlsMaterial(config, dataDir);
        } catch (RuntimeException e) {
            // Damaged, or half a pair (TlsMaterial.load): whatever is left is moved aside, never written over.
            String why = oneLine(e);
            List<String> moved = new ArrayList<>();
            try {
                for (String name : List.of("agent-cert.pem", "agent-key.pem")) {
                    Path f = dir.resolve(name);
                    if (Files.exists(f)) {
                        moved.add(f + " -> " + DamagedFiles.moveAside(f, clock).getFileName());
                    }
                }
            } catch (IOException io) {
                problems.add("kms-agent: bridge disabled: the TLS material in " + dir + " is damaged (" + why
                        + ") and cannot be moved aside: " + io.getMessage());
                LOG.error(
                        "bridge disabled: damaged TLS material in {} cannot be moved aside: {}", dir, io.getMessage());
                return null;
            }
            // Said only once it is so: what was moved aside, then whether a new pair was made.
            String damaged = "the bridge's TLS material was damaged (" + why + ")"
                    + (moved.isEmpty() ? "" : "; moved aside: " + String.join(", ", moved));
            try {
                TlsMaterial made = readTlsMaterial(config, dataDir);
                problems.add("kms-agent: " + damaged
                        + "; a new self-signed pair was made: clients must trust its fingerprint again");
                LOG.warn("{}; a new self-signed pair was made", damaged);
                return made;
            } catch (RuntimeException again) {
                problems.add("kms-agent: " + damaged + "; bridge disabled: new TLS material cannot be made ("
                        + oneLine(again) + ")");
                LOG.error("{}; bridge disabled: new TLS material cannot be made ({})", damaged, oneLine(again));
                return null;
            }
        }
    }

    /** Loads (or makes) the material and reads its certificate and key as the bridge will. */
    private static TlsMaterial readTlsMaterial(AgentConfig config, Path dataDir) {
        TlsMaterial tls = TlsMaterial.load(config.bridge().tls(), dataDir);
        tls.keyCertOptions();
        return tls;
    }

    private static String oneLine(Throwable e) {
        StringBuilder why = new StringBuilder(
                String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            if (c.getMessage() != null && !why.toString().contains(c.getMessage())) {
                why.append(": ").append(c.getMessage().lines().findFirst().orElse(""));
                break;
            }
        }
        return why.toString();
    }

    /** The bridge's port, or -1 when the bridge is off. */
    public int bridgePort() {
        return bridge == null ? -1 : bridge.port();
    }

    /** The bridge certificate's SHA-256 fingerprint, or null when the bridge is off. */
    public String fingerprint() {
        return bridge == null ? null : bridge.fingerprint();
    }

    /** The bridge, or null when off. */
    public AgentBridge bridge() {
        return bridge;
    }

    /** What the daemon handed to its components. */
    public DaemonContext context() {
        return context;
    }

    /** The metrics endpoint's port, or -1 when {@code metrics.enabled} is false. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    /**
     * Says what the configuration it was started with is warned of ({@code ConfigLoader.Loaded#warnings}: a
     * {@code KMSAGENT_*} variable that sets no key) in the banner and the ready line's notes, as the agent's other
     * start warnings are said (an override of a family no plugin provides). Call before either is read.
     */
    public AgentDaemon warnOf(List<String> warnings) {
        configurationWarnings.addAll(warnings);
        return this;
    }

    /** Lines to print at start: where the bridge is and how to trust it (never a secret). */
    public List<String> banner() {
        List<String> lines = new ArrayList<>(bridgeBanner());
        audit.problem().ifPresent(lines::add);
        metricsUrl().ifPresent(url -> lines.add("kms-agent: Prometheus metrics at " + url));
        configurationWarnings.forEach(w -> lines.add("kms-agent: " + w));
        lines.addAll(controlBanner());
        return lines;
    }

    /**
     * The banner's facts for {@code run --json}: the bridge (its address, certificate fingerprint and the admin
     * token's file; {@code enabled: false} when configured off; {@code listening: false} when it could not start),
     * the metrics URL, and the banner's other lines as notes, without their {@code kms-agent: } prefix.
     */
    public Map<String, Object> readyFacts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        Map<String, Object> b = new LinkedHashMap<>();
        if (bridge == null) {
            // Off by configuration, or enabled but not listening: its TLS material could not be used (the notes say
            // why), which a supervisor must not take for the first.
            boolean enabled = context.config().bridge().enabled();
            b.put("enabled", enabled);
            if (enabled) {
                b.put("listening", false);
            }
        } else {
            b.put("address", bridgeAddress());
            b.put("certificateSha256", bridge.fingerprint());
            if (adminTokenFile != null) {
                b.put("adminTokenFile", adminTokenFile.toString());
            }
        }
        facts.put("bridge", b);
        facts.put("metrics", metricsUrl().orElse(null));
        List<String> notes = new ArrayList<>(startProblems);
        audit.problem().ifPresent(notes::add);
        notes.addAll(configurationWarnings);
        notes.addAll(controlBanner());
        facts.put(
                "notes",
                notes.stream().map(l -> l.replaceFirst("^kms-agent: ", "")).toList());
        return facts;
    }

    private List<String> controlBanner() {
        return control instanceof DaemonBanner b ? b.banner() : List.of();
    }

    private Optional<String> metricsUrl() {
        return metricsEndpoint == null
                ? Optional.empty()
                : Optional.of("http://"
                        + AddressText.of(context.config().metrics().host(), metricsEndpoint.port()) + "/metrics");
    }

    private String bridgeAddress() {
        return AddressText.of(context.config().bridge().host(), bridge.port());
    }

    private List<String> bridgeBanner() {
        if (bridge == null) {
            return startProblems.isEmpty()
                    ? List.of("kms-agent: bridge disabled (bridge.enabled=false)")
                    : List.copyOf(startProblems);
        }
        if (!startProblems.isEmpty()) {
            List<String> lines = new ArrayList<>(startProblems);
            lines.addAll(listeningBanner());
            return lines;
        }
        return listeningBanner();
    }

    private List<String> listeningBanner() {
        String at = bridgeAddress();
        return adminTokenFile == null
                ? List.of(
                        "kms-agent: bridge listening on " + at + " (TLS)",
                        "kms-agent: bridge certificate SHA-256 " + bridge.fingerprint())
                : List.of(
                        "kms-agent: bridge listening on " + at + " (TLS)",
                        "kms-agent: bridge certificate SHA-256 " + bridge.fingerprint(),
                        "kms-agent: no bridge.tokens configured; admin token in " + adminTokenFile
                                + " (use ctl --token-file)");
    }

    /** Stops the bridge, the API, the bound components and Vert.x; waits up to 30 s. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (consoleEvents != null) {
            consoleEvents.agentStopped("kms-agent run stopped", Duration.ofNanos(System.nanoTime() - startedAt));
        }
        if (fleet != null) {
            fleet.close();
        }
        if (metricsEndpoint != null) {
            try {
                metricsEndpoint.close().eventually(metrics::close).await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("shutdown: the metrics endpoint did not stop cleanly: {}", e.toString());
            }
        }
        Future<Void> bridgeClosed = bridge == null ? Future.succeededFuture() : bridge.close();
        try {
            bridgeClosed.eventually(api::unregister).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("shutdown: bridge or API did not stop cleanly: {}", e.toString());
        }
        if (control instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("shutdown: the bound components did not stop cleanly", e);
            }
        }
        if (audit != null) {
            audit.close();
        }
        try {
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("shutdown: Vert.x did not stop cleanly: {}", e.toString());
        }
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("shutdown: the data folder's lock did not close cleanly: {}", e.toString());
            }
        }
    }

    /** The audit log's file, or null when it could not be opened. */
    public Path auditFile() {
        return audit.file();
    }
}
