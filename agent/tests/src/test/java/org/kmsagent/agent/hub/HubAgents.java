package org.kmsagent.agent.hub;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.AgentDescription;
import org.kmsagent.agent.link.CommandHandler;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.Outbox;

/**
 * Real agents' fleet links dialling one {@link LocalHub} over its TLS bridge with the shared agent token, each
 * reporting a fixed snapshot, and the real ctl against the hub: the set-up the hub's tests share.
 */
final class HubAgents implements AutoCloseable {
    private final LocalHub hub;
    private final Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final List<FleetLink> links = new ArrayList<>();

    /** Agents of {@code hub}, each keeping its outbox in a folder of {@code dir} named by its id. */
    HubAgents(LocalHub hub, Path dir) {
        this.hub = hub;
        this.dir = dir;
    }

    /** The agents' own Vert.x (for a raw client beside them). */
    Vertx vertx() {
        return vertx;
    }

    /** Starts an agent's link and waits until the hub has it; its host name is the id upper-cased. */
    FleetLink connect(String id, String osClass, String family, List<String> cmids, JsonObject snapshot) {
        return connect(id, id.toUpperCase(), osClass, family, cmids, snapshot);
    }

    /** Starts an agent's link with this host name (agents on cloned VMs share one) and waits until the hub has it. */
    FleetLink connect(
            String id, String hostName, String osClass, String family, List<String> cmids, JsonObject snapshot) {
        return connect(id, hostName, osClass, family, cmids, snapshot, SimulatedAgent.commands(id));
    }

    /** As above, its control API answering with {@code commands}. */
    FleetLink connect(
            String id,
            String hostName,
            String osClass,
            String family,
            List<String> cmids,
            JsonObject snapshot,
            CommandHandler commands) {
        FleetLink.Settings settings = new FleetLink.Settings(
                List.of(hub.at()),
                LocalHub.AGENT_TOKEN,
                FleetLink.clientOptions(List.of(hub.fingerprint), null),
                60_000,
                1_000,
                10_000);
        FleetLink link = new FleetLink(
                vertx,
                settings,
                new AgentDescription(id, hostName, osClass, List.of(family), Map.of("agent", "test"), cmids, 60),
                new Outbox(dir.resolve(id), id),
                commands,
                () -> Future.succeededFuture(snapshot),
                Clock.systemUTC());
        links.add(link);
        link.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> link.hub().isPresent());
        return link;
    }

    /** {@code kms-agent ctl --hub <hub> --trust <its fingerprint> --token <token> args…}, in-process. */
    CliRun ctl(String token, String... args) {
        List<String> all =
                new ArrayList<>(List.of("ctl", "--hub", hub.at(), "--trust", hub.fingerprint, "--token", token));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /**
     * Stops the links and the agents' Vert.x. The bounds are a test's patience, not a figure under test: on a CI
     * machine of two cores running the suite, a close of TLS connections took more than 10 s once.
     */
    @Override
    public void close() throws Exception {
        for (FleetLink l : links) {
            l.stop().await(30, TimeUnit.SECONDS);
        }
        vertx.close().await(30, TimeUnit.SECONDS);
    }
}
