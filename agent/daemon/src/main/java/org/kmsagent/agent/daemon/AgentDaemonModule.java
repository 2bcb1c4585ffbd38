package org.kmsagent.agent.daemon;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.kmsagent.agent.bus.BusEvents;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.metrics.AgentMetrics;
import org.kmsagent.agent.metrics.Figures;

/**
 * The daemon's own parts for one start, around the control binding: what {@link AgentDaemon#start} hands over (the
 * configuration, clock, data directory it created, Vert.x it built, the figures Vert.x reports to) and the parts
 * that only combine them: the event publisher, the state store, the {@link DaemonContext} the binding gets, the
 * counters. Only bindings; {@link AgentDaemon} starts them in order.
 */
final class AgentDaemonModule extends AbstractModule {
    private final AgentConfig config;
    private final Clock clock;
    private final Path dataDir;
    private final Vertx vertx;
    private final Optional<Figures> figures;

    AgentDaemonModule(AgentConfig config, Clock clock, Path dataDir, Vertx vertx, Optional<Figures> figures) {
        this.config = config;
        this.clock = clock;
        this.dataDir = dataDir;
        this.vertx = vertx;
        this.figures = figures;
    }

    @Override
    protected void configure() {
        bind(BridgeConnections.class).in(Singleton.class);
    }

    /** The renewal loops' events, published on the event bus (the control API, the Event Log relay and the link). */
    @Provides
    @Singleton
    EventPublisher events() {
        return new BusEvents(vertx.eventBus(), clock);
    }

    /** {@code <dataDir>/state.json}: the schedules and the simulated machine between starts. */
    @Provides
    @Singleton
    StateStore state() {
        return new StateStore(dataDir.resolve("state.json"), clock);
    }

    /** What the control binding is given. */
    @Provides
    @Singleton
    DaemonContext context(EventPublisher events, StateStore state) {
        return new DaemonContext(vertx, config, dataDir, events, state, clock);
    }

    /** The agent's counters, when {@code metrics.enabled}. */
    @Provides
    @Singleton
    Optional<AgentMetrics> metrics(BridgeConnections bridge) {
        return figures.map(f -> new AgentMetrics(vertx, f, clock, bridge));
    }
}
