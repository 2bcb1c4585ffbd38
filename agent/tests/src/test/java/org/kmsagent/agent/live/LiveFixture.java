package org.kmsagent.agent.live;

import com.google.inject.Module;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.kmsagent.agent.bus.BusJson;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.DaemonContext;
import org.kmsagent.agent.daemon.StateStore;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.KmsRequest;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.Sku;

/**
 * A real {@link LiveAgent} in this JVM over the four built plugin jars, a data directory and its own Vert.x; the
 * events it publishes are recorded.
 */
public final class LiveFixture implements AutoCloseable {
    final Path dataDir;
    final LiveAgent agent;

    /** Starts an agent over {@code dataDir} with the built plugins and these {@code --set} overrides. */
    static LiveFixture start(Path dataDir, String... sets) throws Exception {
        return start(DaemonWiring.classPathModules(), dataDir, sets);
    }

    /** {@link #start(Path, String...)} with these Guice modules in place of the class path's (a stack of a test's). */
    static LiveFixture start(List<Module> modules, Path dataDir, String... sets) throws Exception {
        List<String> all = new ArrayList<>(
                List.of("dataDir=" + dataDir, "pluginsDir=" + PluginJars.builtPlugins(), "licensing=simulated"));
        all.addAll(List.of(sets));
        AgentConfig config = new ConfigLoader(Map.of()).load(Optional.empty(), all);
        Files.createDirectories(dataDir);
        Vertx vertx = Vertx.vertx();
        List<JsonObject> events = new CopyOnWriteArrayList<>();
        EventPublisher publisher = (type, data) -> events.add(new JsonObject()
                .put("type", type)
                .put("data", data instanceof JsonObject j ? j : BusJson.object(data)));
        Clock clock = Clock.systemUTC();
        DaemonContext ctx = new DaemonContext(
                vertx, config, dataDir, publisher, new StateStore(dataDir.resolve("state.json"), clock), clock);
        LiveAgent agent;
        try {
            agent = LiveAgent.start(modules, ctx);
        } catch (Exception e) {
            vertx.close().await();
            throw e;
        }
        return new LiveFixture(dataDir, agent, vertx, events);
    }

    private LiveFixture(Path dataDir, LiveAgent agent, Vertx vertx, List<JsonObject> events) {
        this.dataDir = dataDir;
        this.agent = agent;
        this.vertx0 = vertx;
        this.events0 = events;
    }

    private Vertx vertx0;
    private List<JsonObject> events0;

    /** Renewal events of one kind recorded so far. */
    List<JsonObject> renewals(String kind) {
        return events0.stream()
                .filter(e -> e.getString("type").equals(LiveAgent.RENEWAL))
                .map(e -> e.getJsonObject("data"))
                .filter(d -> d.getString("kind").equals(kind))
                .toList();
    }

    List<JsonObject> events() {
        return events0;
    }

    @Override
    public void close() {
        agent.close();
        vertx0.close().await();
    }

    /**
     * Puts {@code others} other clients of the windows pool in the ledger the agent's host role will open, seen now,
     * as a site with that many machines would have (so the agent's own machine is counted on top of them).
     */
    public static void seedLedger(Path dataDir, int others) {
        LoadedFamily windows = TestFamilies.byId("windows-client");
        Sku sku = windows.catalog().byName("Windows 11 Enterprise").orElseThrow();
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(dataDir.resolve("ledger"))) {
            LedgerKmsHost host =
                    new LedgerKmsHost(HostConfig.of("seed", windows.catalog().hostKeys(), Set.of()), ledger);
            Instant now = Instant.now();
            for (int i = 0; i < others; i++) {
                host.handle(
                        new KmsRequest(
                                now,
                                UUID.randomUUID(),
                                "pc-" + i,
                                windows.id(),
                                windows.countPool().id(),
                                windows.applicationId(),
                                sku.name(),
                                sku.group(),
                                sku.thresholdClass(),
                                LicenseStatus.INITIAL_GRACE),
                        now);
            }
        }
    }
}
