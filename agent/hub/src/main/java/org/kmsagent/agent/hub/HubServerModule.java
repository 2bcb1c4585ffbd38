package org.kmsagent.agent.hub;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.metrics.Figures;

/**
 * A hub's bindings before it joins the cluster: what {@link HubServer#start} hands over (configuration, clock, data
 * directory, TLS material, the hub's own audit log, all read or opened by it first) and the parts that need no Vert.x
 * yet. Only bindings (docs/architecture.md, "Wiring"); {@link ClusteredHubModule} and {@link NamedHubModule} add the
 * parts that wait on the cluster and on the bridge's port.
 */
final class HubServerModule extends AbstractModule {
    private final AgentConfig config;
    private final Clock clock;
    private final Path dataDir;
    private final TlsMaterial tls;
    private final AuditLog audit;

    HubServerModule(AgentConfig config, Clock clock, Path dataDir, TlsMaterial tls, AuditLog audit) {
        this.config = config;
        this.clock = clock;
        this.dataDir = dataDir;
        this.tls = tls;
        this.audit = audit;
    }

    @Override
    protected void configure() {
        bind(AgentConfig.class).toInstance(config);
        bind(Clock.class).toInstance(clock);
        bind(TlsMaterial.class).toInstance(tls);
        bind(AuditLog.class).toInstance(audit);
    }

    /** The fleet's Prometheus figures, when {@code metrics.enabled}; the cluster's own meters join them. */
    @Provides
    @Singleton
    Optional<Figures> figures() {
        return config.metrics().enabled() ? Optional.of(new Figures("kmsagent.fleet")) : Optional.empty();
    }

    /** The enrolled agents' credentials, kept in {@code <dataDir>/fleet-credentials.json} and shared in the cluster. */
    @Provides
    @Singleton
    AgentCredentials credentials() {
        return new AgentCredentials(dataDir.resolve("fleet-credentials.json"), clock);
    }

    /** Who may speak as an agent: enrolled credentials, and the shared agent tokens only when allowed. */
    @Provides
    @Singleton
    HubRoutes routes(AgentCredentials credentials) {
        Set<String> shared = config.fleet().allowSharedAgentTokens()
                ? new HashSet<>(config.fleet().agentTokens())
                : Set.of();
        return new HubRoutes(shared, credentials);
    }
}
