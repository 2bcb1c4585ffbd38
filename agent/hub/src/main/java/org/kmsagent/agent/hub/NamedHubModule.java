package org.kmsagent.agent.hub;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.metrics.Figures;

/**
 * A hub's bindings once its name is known (a child of {@link ClusteredHubModule}'s injector): by default the name is
 * the bridge's {@code host:port}, known only after the bridge listens. Only bindings; {@link HubServer} starts them.
 */
final class NamedHubModule extends AbstractModule {
    private final String hubName;

    NamedHubModule(String hubName) {
        this.hubName = hubName;
    }

    /** The fleet service, answering with this hub's own audit records too. */
    @Provides
    @Singleton
    FleetHub hub(Clock clock, AuditLog audit) {
        return new FleetHub(hubName, clock, audit);
    }

    /** The fleet's figures for the metrics endpoint, when {@code metrics.enabled}. */
    @Provides
    @Singleton
    Optional<FleetMetrics> metrics(Vertx vertx, Optional<Figures> figures, AgentBridge bridge) {
        return figures.map(f -> new FleetMetrics(vertx, f, hubName, bridge::connectionCount));
    }
}
