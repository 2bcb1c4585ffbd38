package org.kmsagent.agent.hub;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.tls.ResumableTls;

/**
 * A hub's bindings once it has joined the cluster (a child of {@link HubServerModule}'s injector): the clustered
 * Vert.x and the TLS bridge over it. Only bindings; {@link HubServer} opens the bridge.
 */
final class ClusteredHubModule extends AbstractModule {
    private final Vertx vertx;

    ClusteredHubModule(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    protected void configure() {
        bind(Vertx.class).toInstance(vertx);
    }

    /**
     * The bridge agents and ctl clients connect to, audited in the hub's log and re-checking its connections whenever
     * an agent's credential changes.
     */
    @Provides
    @Singleton
    AgentBridge bridge(
            AgentConfig config, TlsMaterial tls, HubRoutes routes, AgentCredentials credentials, AuditLog audit) {
        BridgeConfig b = config.bridge();
        AgentBridge bridge = new AgentBridge(vertx, hubBridge(b), tls, b.tokens(), routes);
        bridge.audited(audit);
        // Agents that reconnect resume their TLS sessions instead of a full handshake each (docs/fleet.md).
        bridge.tlsEngine(ResumableTls.forHub(tls));
        credentials.onChange(bridge::revalidate);
        return bridge;
    }

    /** Agents register on their command addresses; the allow-list must let them (the routes still check who). */
    private static BridgeConfig hubBridge(BridgeConfig b) {
        List<String> outbound = new ArrayList<>(b.outbound());
        outbound.add(FleetAddresses.ALL_AGENTS);
        outbound.add(FleetAddresses.AGENT_PREFIX + "*");
        return new BridgeConfig(
                b.enabled(),
                b.host(),
                b.port(),
                b.tls(),
                b.tokens(),
                b.anonymous(),
                b.inbound(),
                outbound,
                b.maxFrameBytes(),
                b.maxConnections(),
                b.requestTimeoutSeconds(),
                b.maxConnectionsPerToken(),
                b.maxConnectionsPerAddress(),
                b.idleTimeoutSeconds(),
                // A hub serves thousands of agents: every event loop takes its share of their TLS and frames (the
                // hub's Vert.x has the default number of event loops).
                b.eventLoopsOr(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE));
    }
}
