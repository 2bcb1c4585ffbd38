package org.kmsagent.agent.hub;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.hub.dashboard.DashboardServer;
import org.kmsagent.agent.metrics.Figures;
import org.kmsagent.agent.metrics.MetricsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running hub: the clustered Vert.x, the {@link FleetHub} service and the TLS bridge that agents and ctl clients
 * connect to. {@link #close()} stops the bridge first, then leaves the cluster.
 */
public final class HubServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubServer.class);

    private final Vertx vertx;
    private final AgentBridge bridge;
    private final FleetHub hub;
    private final String bridgeAt;
    private final HubNames.Claim claim;
    private MetricsEndpoint metrics;
    private String metricsAt;
    private DashboardServer dashboard;
    private String dashboardAt;
    private boolean closed;
    private AuditLog audit;

    private HubServer(Vertx vertx, AgentBridge bridge, FleetHub hub, HubNames.Claim claim) {
        this.vertx = vertx;
        this.bridge = bridge;
        this.hub = hub;
        this.claim = claim;
        this.bridgeAt = claim.bridgeAt();
    }

    /**
     * Joins (or forms) the cluster, deploys the fleet service and opens the bridge. Call from a non-Vert.x thread.
     *
     * <p>The parts are built by Guice in three steps, each a child of the one before, because each waits on what the
     * one before started: {@link HubServerModule} (no Vert.x yet), {@link ClusteredHubModule} once the cluster is
     * joined, {@link NamedHubModule} once the hub holds its name in the cluster. This method only orders them: credentials
     * deployed before the bridge listens (the bridge asks them for every agent's token), the name claimed before the
     * bridge listens when the bridge's port is configured (after, for port 0: the default name is the port), the
     * bridge before the fleet service, metrics and dashboard last.
     *
     * <p>Every server listens on the clustered Vert.x, which exists only once the cluster is joined, and Vert.x binds
     * the event bus itself as it joins; so the addresses are only tried before the join ({@link
     * HubListeners#checkFree}): a hub that cannot listen stops before it joins the other hubs' cluster. One that fails
     * to listen later (a port taken in between) leaves the cluster again before it stops.
     *
     * @param name the hub's name in the fleet view, or null for {@code bridge host:port} ({@link HubNames#byDefault})
     * @throws org.kmsagent.agent.core.CannotListen one of its servers cannot listen (the message names it, its keys
     *     and its address)
     */
    public static HubServer start(AgentConfig config, String name, Clock clock) throws Exception {
        BridgeConfig b = config.bridge();
        HubListeners.checkFree(config);
        Path dataDir = Path.of(config.dataDir()).toAbsolutePath();
        Files.createDirectories(dataDir);
        TlsMaterial tls = TlsMaterial.load(b.tls(), dataDir);
        // This hub's own admin actions: enrolments, revocations, routed changes, dashboard sign-ins (docs/audit.md).
        AuditLog audit = AuditLog.in(dataDir, clock);
        Vertx vertx;
        Injector parts;
        Optional<Figures> figures;
        try {
            parts = Guice.createInjector(new HubServerModule(config, clock, dataDir, tls, audit));
            figures = part(parts, new Key<Optional<Figures>>() {});
            vertx = FleetCluster.join(config.fleet().cluster(), figures.orElse(null));
        } catch (Exception e) {
            audit.close();
            throw e;
        }
        HubNames.Claim claimed = null;
        try {
            Injector clustered = parts.createChildInjector(new ClusteredHubModule(vertx));
            vertx.deployVerticle(part(clustered, Key.get(AgentCredentials.class)))
                    .await(30, TimeUnit.SECONDS);
            if (config.fleet().allowSharedAgentTokens()) {
                LOG.warn(
                        "fleet.allowSharedAgentTokens is true: holders of the tokens {} can speak as any agent; enrol each "
                                + "agent (ctl fleet enroll) and turn it off",
                        config.fleet().agentTokens());
            }
            AgentBridge bridge = part(clustered, Key.get(AgentBridge.class));
            // One hub per name in a cluster: the fleet view files agents under it. The name is claimed before the
            // bridge listens when it is known by then (a configured port), so that no agent reaches a hub that is
            // still waiting for its name (up to HubNames.OWNER_GONE after a crash) or is about to give up on it; with
            // port 0 the default name holds the port the bridge gets, and a new port is a new name anyway.
            if (b.port() != 0) {
                claimed = HubNames.Claim.of(vertx, config, name, b.port());
            }
            HubListeners.bridge(config).listening(() -> bridge.listen().await(30, TimeUnit.SECONDS));
            if (claimed == null) {
                claimed = HubNames.Claim.of(vertx, config, name, bridge.port());
            }
            String hubName = claimed.name();
            Injector named = clustered.createChildInjector(new NamedHubModule(hubName));
            part(clustered, Key.get(HubRoutes.class)).named(hubName);
            FleetHub hub = part(named, Key.get(FleetHub.class));
            vertx.deployVerticle(hub).await(30, TimeUnit.SECONDS);
            HubServer server = new HubServer(vertx, bridge, hub, claimed);
            server.audit = audit;
            Optional<FleetMetrics> fleetMetrics = part(named, new Key<Optional<FleetMetrics>>() {});
            if (fleetMetrics.isPresent()) {
                fleetMetrics.get().start().await(30, TimeUnit.SECONDS);
                server.metrics = HubListeners.metrics(config)
                        .listening(() -> MetricsEndpoint.start(
                                        vertx, config.metrics(), figures.orElseThrow(), fleetMetrics.get()::refresh)
                                .await(30, TimeUnit.SECONDS));
                server.metricsAt = AddressText.of(config.metrics().host(), server.metrics.port());
            }
            if (config.dashboard().enabled()) {
                server.dashboard = HubListeners.dashboard(config)
                        .listening(() -> DashboardServer.start(vertx, config.dashboard(), tls, b.tokens(), clock, audit)
                                .await(30, TimeUnit.SECONDS));
                server.dashboardAt = AddressText.of(config.dashboard().host(), server.dashboard.port());
            }
            return server;
        } catch (Exception e) {
            if (claimed != null) {
                claimed.releaseQuietly();
            }
            vertx.close().await(30, TimeUnit.SECONDS);
            audit.close();
            throw e;
        }
    }

    /** One part from the injector; a part's own failure is thrown as itself, as it was before Guice built the parts. */
    private static <T> T part(Injector injector, Key<T> key) {
        try {
            return injector.getInstance(key);
        } catch (ProvisionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The bridge's port. */
    public int port() {
        return bridge.port();
    }

    /** The bridge certificate's SHA-256 fingerprint, for agents' {@code fleet.trust}. */
    public String fingerprint() {
        return bridge.fingerprint();
    }

    /** The hub's name in the fleet view. */
    public String name() {
        return hub.name();
    }

    /** Agents and ctl clients connected now. */
    public int connections() {
        return bridge.connectionCount();
    }

    /** The clustered Vert.x (tests and the benchmark look at the cluster through it). */
    public Vertx vertx() {
        return vertx;
    }

    /** The metrics endpoint's port, or -1 when {@code metrics.enabled} is false. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /** The dashboard's port, or -1 when {@code dashboard.enabled} is false. */
    public int dashboardPort() {
        return dashboard == null ? -1 : dashboard.port();
    }

    /** Lines to print at start (never a secret). */
    public List<String> banner() {
        List<String> lines = new ArrayList<>(List.of(
                "kms-agent hub " + hub.name() + ": bridge listening on " + bridgeAt + " (TLS)",
                "kms-agent hub: bridge certificate SHA-256 " + bridge.fingerprint()));
        dashboardUrl()
                .ifPresent(url ->
                        lines.add("kms-agent hub: dashboard at " + url + " (the bridge's certificate and tokens)"));
        metricsUrl().ifPresent(url -> lines.add("kms-agent hub: Prometheus metrics at " + url));
        return lines;
    }

    /** The banner's facts for {@code hub --json}: name, bridge (address, certificate), dashboard and metrics URLs. */
    public Map<String, Object> readyFacts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("hub", hub.name());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("address", bridgeAt);
        b.put("certificateSha256", bridge.fingerprint());
        facts.put("bridge", b);
        facts.put("dashboard", dashboardUrl().orElse(null));
        facts.put("metrics", metricsUrl().orElse(null));
        return facts;
    }

    private Optional<String> dashboardUrl() {
        return dashboard == null ? Optional.empty() : Optional.of("https://" + dashboardAt + "/");
    }

    private Optional<String> metricsUrl() {
        return metrics == null ? Optional.empty() : Optional.of("http://" + metricsAt + "/metrics");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (dashboard != null) {
                dashboard.close().await(30, TimeUnit.SECONDS);
            }
            if (metrics != null) {
                metrics.close().await(30, TimeUnit.SECONDS);
            }
            bridge.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("hub shutdown: the bridge did not stop cleanly: {}", e.toString());
        }
        claim.releaseQuietly();
        try {
            vertx.close().await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("hub shutdown: leaving the cluster did not finish cleanly: {}", e.toString());
        }
        audit.close();
    }
}
