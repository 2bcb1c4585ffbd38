package org.kmsagent.agent.hub;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * One hub without a cluster, for fast tests: the real {@link FleetHub} and the real TLS bridge with
 * {@link HubRoutes}, on a plain Vert.x (its shared maps are then local). {@code FleetIT} runs the clustered ones.
 */
public final class LocalHub implements AutoCloseable {
    public static final String AGENT_TOKEN = "agent-token-0123456789";
    public static final String OPS_TOKEN = "ops-token-0123456789ab";
    static final String READ_TOKEN = "read-token-0123456789a";

    final Vertx vertx = Vertx.vertx();
    final AgentBridge bridge;
    final AgentCredentials credentials;
    public final String fingerprint;
    /** The hub's own audit log ({@code <dir>/audit.log}), as HubServer keeps it. */
    public final AuditLog audit;

    /** With the shared {@code agents} token allowed to act as any agent (the migration mode). */
    public LocalHub(Path dir, Clock clock) throws Exception {
        this(dir, clock, true);
    }

    /**
     * @param sharedAgentToken whether the shared {@code agents} token may act as agents ({@code
     *     fleet.allowSharedAgentTokens}); enrolled agents' own credentials work either way
     */
    public LocalHub(Path dir, Clock clock, boolean sharedAgentToken) throws Exception {
        this(dir, clock, sharedAgentToken, 0);
    }

    /**
     * @param port the bridge's port (0: a free one), to bring a hub back where its agents look for it
     */
    public LocalHub(Path dir, Clock clock, boolean sharedAgentToken, int port) throws Exception {
        audit = AuditLog.in(dir, clock);
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        fingerprint = tls.fingerprint();
        List<TokenConfig> tokens = List.of(
                new TokenConfig("agents", AGENT_TOKEN, Role.READ),
                new TokenConfig("ops", OPS_TOKEN, Role.ADMIN),
                new TokenConfig("monitoring", READ_TOKEN, Role.READ));
        BridgeConfig config = bridgeConfig(tokens, port);
        credentials = new AgentCredentials(dir.resolve("fleet-credentials.json"), clock);
        vertx.deployVerticle(credentials).await(30, TimeUnit.SECONDS);
        HubRoutes routes = new HubRoutes(sharedAgentToken ? Set.of("agents") : Set.of(), credentials);
        routes.named("hub-local");
        bridge = new AgentBridge(vertx, config, tls, tokens, routes)
                .audited(audit)
                .listen()
                .await(30, TimeUnit.SECONDS);
        credentials.onChange(bridge::revalidate);
        vertx.deployVerticle(new FleetHub("hub-local", clock, audit)).await(30, TimeUnit.SECONDS);
    }

    /**
     * A hub's bridge on loopback with these tokens: agents may register on their command addresses, and connections
     * spread over two event loops, as on a hub.
     */
    static BridgeConfig bridgeConfig(List<TokenConfig> tokens, int port) {
        return new BridgeConfig(
                        true,
                        "127.0.0.1",
                        port,
                        null,
                        tokens,
                        Role.NONE,
                        null,
                        List.of("kmsagent.events", FleetAddresses.ALL_AGENTS, FleetAddresses.AGENT_PREFIX + "*"),
                        null,
                        null,
                        30)
                .withEventLoops(2);
    }

    public String at() {
        return "127.0.0.1:" + bridge.port();
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        audit.close();
    }
}
