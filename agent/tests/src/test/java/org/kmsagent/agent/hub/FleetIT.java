package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.bench.SimulatedAgents;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.link.FleetLink;

/**
 * A fleet on 127.0.0.1: two hubs in one Hazelcast cluster, each a separate JVM ({@code kms-agent hub}, killed with
 * SIGKILL like a crashed server), three agents in this JVM (each its own TLS connection and outbox) and one agent in
 * its own JVM. Queried with the real {@code kms-agent ctl}. The steps build on one another, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {
    private static final String AGENT_TOKEN = "agent-token-0123456789";
    private static final String OPS_TOKEN = "ops-token-0123456789ab";
    private static final Duration SLOW = Duration.ofSeconds(90);
    /** Longer than a hub waits to join its cluster (120 s): a hub that cannot join says so itself. */
    private static final Duration HUB_START = Duration.ofSeconds(150);

    private Path dir;
    private String fingerprint;
    private int bridgeA;
    private int bridgeB;
    private Path configA;
    private Path configB;
    private ChildJvm hubA;
    private ChildJvm hubB;
    private ChildJvm processAgent;
    private Vertx vertx;
    private final List<FleetLink> links = new ArrayList<>();
    private FleetLink a1;

    @BeforeAll
    void startFleet() throws Exception {
        dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "fleet-it-" + UUID.randomUUID()));
        // One certificate for every hub (as a fleet's hubs would share one issued for them): agents pin one
        // fingerprint.
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir.resolve("shared"));
        fingerprint = tls.fingerprint();
        bridgeA = LoopbackPorts.free();
        bridgeB = LoopbackPorts.free();
        int hzA = LoopbackPorts.free();
        int hzB = LoopbackPorts.free();
        String cluster = "fleet-it-" + UUID.randomUUID();
        configA = hubConfig("a", tls, bridgeA, hzA, hzB, cluster);
        configB = hubConfig("b", tls, bridgeB, hzB, hzA, cluster);
        hubA = startHub("a", configA);
        hubB = startHub("b", configB);

        vertx = Vertx.vertx();
        String atA = "127.0.0.1:" + bridgeA;
        String atB = "127.0.0.1:" + bridgeB;
        a1 = agent("a1", List.of(atA, atB), null);
        agent("a2", List.of(atB, atA), "cmid-cloned-0001");
        agent("a3", List.of(atB, atA), "cmid-cloned-0001");
        processAgent = ChildJvm.start(
                SimulatedAgents.class.getName(),
                List.of(
                        "fleet",
                        "1",
                        "p",
                        atB + "," + atA,
                        AGENT_TOKEN,
                        fingerprint,
                        dir.resolve("p").toString()),
                "ready",
                dir.resolve("p1.log"),
                SLOW);
    }

    private FleetLink agent(String id, List<String> hubs, String cmid) {
        FleetLink link = SimulatedAgent.link(vertx, id, hubs, AGENT_TOKEN, fingerprint, cmid, dir.resolve(id), 1_000);
        links.add(link);
        link.start();
        return link;
    }

    private Path hubConfig(String name, TlsMaterial tls, int bridgePort, int hzPort, int otherHz, String cluster)
            throws Exception {
        Path file = dir.resolve("hub-" + name + ".yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "dataDir: " + dir.resolve("hub-" + name + "-data"),
                        "bridge:",
                        "  host: 127.0.0.1",
                        "  port: " + bridgePort,
                        "  tls:",
                        "    certFile: " + tls.certFile(),
                        "    keyFile: " + tls.keyFile(),
                        "  tokens:",
                        "    - {name: agents, token: " + AGENT_TOKEN + ", role: read}",
                        "    - {name: ops, token: " + OPS_TOKEN + ", role: admin}",
                        "fleet:",
                        "  allowSharedAgentTokens: true",
                        "  cluster:",
                        "    name: " + cluster,
                        "    port: " + hzPort,
                        "    members: ['127.0.0.1:" + hzPort + "', '127.0.0.1:" + otherHz + "']",
                        "    interfaces: ['127.0.0.1']",
                        "    eventBusPort: 0", // two hubs on one machine: each takes a free one
                        ""));
        return file;
    }

    private ChildJvm startHub(String name, Path config) throws Exception {
        return ChildJvm.start(
                "org.kmsagent.agent.cli.Main",
                List.of("hub", "--config", config.toString(), "--name", "hub-" + name),
                "bridge listening",
                dir.resolve("hub-" + name + "-" + System.nanoTime() + ".log"),
                HUB_START);
    }

    private CliRun ctl(int hubPort, String... args) {
        List<String> all = new ArrayList<>(List.of(
                "ctl",
                "--hub",
                "127.0.0.1:" + hubPort,
                "--trust",
                fingerprint,
                "--token",
                OPS_TOKEN,
                "--timeout",
                "20"));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private JsonObject json(CliRun run) {
        assertThat(run.err()).as("ctl stderr").doesNotContain("cannot talk");
        return new JsonObject(run.out());
    }

    private static List<String> ids(JsonArray array) {
        return array.stream()
                .map(o -> ((JsonObject) o).getString("agentId"))
                .sorted()
                .toList();
    }

    @Test
    @Order(1)
    void aFanOutThroughHubAReachesTheAgentsConnectedToHubB() {
        await().atMost(SLOW)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonObject report = json(ctl(bridgeA, "--json", "--all-agents", "status"));
                    assertThat(ids(report.getJsonArray("answered"))).containsExactly("a1", "a2", "a3", "p1");
                    assertThat(report.getJsonArray("notAnswered")).isEmpty();
                });
        JsonObject view = json(ctl(bridgeA, "fleet", "--json"));
        assertThat(view.getJsonArray("agents").stream()
                        .map(o -> (JsonObject) o)
                        .filter(a -> "hub-b".equals(a.getString("hub")))
                        .map(a -> a.getString("agentId"))
                        .sorted())
                .containsExactly("a2", "a3", "p1");

        // One agent on hub B, through hub A, printed as if asked directly.
        CliRun one = ctl(bridgeA, "--target", "a2", "status");
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).contains("Windows 10 Enterprise", "LICENSED", "0x0 ok on a2");

        JsonObject dups = json(ctl(bridgeA, "fleet", "duplicates", "--json"));
        assertThat(dups.getJsonArray("duplicates"))
                .singleElement()
                .satisfies(d -> assertThat(
                                ((JsonObject) d).getJsonArray("machines").getList())
                        .containsExactly("a2", "a3"));
    }

    @Test
    @Order(2)
    void aKilledAgentIsNamedAsNotAnsweringWhileTheOthersAnswerWithinTheDeadline() throws Exception {
        processAgent.kill();

        CliRun run = ctl(bridgeA, "--all-agents", "--deadline", "5", "status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains("== a1 (A1)", "== a2 (A2)", "== a3 (A3)")
                .contains("NOT ANSWERED: p1 (P1)")
                .doesNotContain("== p1");
    }

    @Test
    @Order(3)
    void whenHubBDiesItsAgentsFailOverToHubAAndTheFleetViewStaysComplete() throws Exception {
        hubB.kill();

        await().atMost(SLOW)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonObject view = json(ctl(bridgeA, "fleet", "--json"));
                    JsonArray agents = view.getJsonArray("agents");
                    assertThat(ids(agents)).containsExactly("a1", "a2", "a3", "p1");
                    for (Object o : agents) {
                        JsonObject a = (JsonObject) o;
                        if (!a.getString("agentId").equals("p1")) {
                            assertThat(a.getString("hub"))
                                    .as(a.getString("agentId"))
                                    .isEqualTo("hub-a");
                            assertThat(a.getBoolean("connected")).isTrue();
                        }
                    }
                    JsonObject report = json(ctl(bridgeA, "--json", "--all-agents", "--deadline", "2", "status"));
                    assertThat(ids(report.getJsonArray("answered"))).containsExactly("a1", "a2", "a3");
                });
    }

    @Test
    @Order(4)
    void eventsProducedWhileEveryHubIsDownArriveAfterwardsOnceEach() throws Exception {
        a1.publish(
                        "renewal",
                        new JsonObject()
                                .put("kind", "RENEWED")
                                .put("family", "windows-client")
                                .put("time", "2026-11-28T00:00:00Z"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        await().atMost(SLOW).until(() -> a1.pending() == 0);
        hubA.kill();
        await().atMost(SLOW).until(() -> a1.hub().isEmpty());

        for (int i = 1; i <= 3; i++) {
            a1.publish(
                            "renewal",
                            new JsonObject()
                                    .put("kind", "RENEWAL_FAILED")
                                    .put("family", "windows-client")
                                    .put("hresult", "0xC004F074")
                                    .put(
                                            "diagnosis",
                                            new JsonObject()
                                                    .put("cause", "HOST_UNREACHABLE")
                                                    .put("detail", "offline event " + i)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }
        assertThat(a1.pending()).isEqualTo(3);

        hubA = startHub("a", configA);

        await().atMost(SLOW)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(a1.pending()).isZero();
                    JsonObject history = json(ctl(bridgeA, "fleet", "history", "--target", "a1", "--json"));
                    List<String> events = history.getJsonArray("history").stream()
                            .map(o -> ((JsonObject) o).getJsonObject("data"))
                            .map(d -> d.getString("kind")
                                    + (d.containsKey("diagnosis")
                                            ? " " + d.getJsonObject("diagnosis").getString("detail")
                                            : ""))
                            .toList();
                    // The hubs' view died with them; the agent, which keeps its own events, delivers what it had
                    // acknowledged too, so the rebuilt history is whole: once each, in order.
                    assertThat(events)
                            .containsExactly(
                                    "RENEWED",
                                    "RENEWAL_FAILED offline event 1",
                                    "RENEWAL_FAILED offline event 2",
                                    "RENEWAL_FAILED offline event 3");
                });
        JsonObject expiring = json(ctl(bridgeA, "fleet", "expiring", "--days", "3650", "--json"));
        assertThat(expiring.getJsonArray("expiring").stream()
                        .map(o -> (JsonObject) o)
                        .filter(e -> e.getString("agentId").equals("a1"))
                        .findFirst()
                        .orElseThrow()
                        .getString("cause"))
                .contains("HOST_UNREACHABLE", "offline event 3", "3 failed attempts");
    }

    @Test
    @Order(5)
    void anAgentEnrolledThroughOneHubIsKnownToTheOtherAndARevocationThroughEitherCutsItOff() throws Exception {
        hubB = startHub("b", configB); // killed in @Order(3)
        CliRun enrolled = ctl(bridgeA, "fleet", "enroll", "e1");
        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        String token = enrolled.out().strip();
        // The credential was issued by hub A; the agent knows hub B only.
        FleetLink e1 = SimulatedAgent.link(
                vertx, "e1", List.of("127.0.0.1:" + bridgeB), token, fingerprint, null, dir.resolve("e1"), 1_000);
        links.add(e1);
        e1.start();
        await().atMost(SLOW).until(() -> e1.hub().isPresent());

        CliRun revoked = ctl(bridgeA, "fleet", "revoke", "e1");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        // Hub B hears of it through the cluster and closes e1's connection; e1's retries are refused.
        await().atMost(SLOW).until(() -> e1.hub().isEmpty());
        await().atMost(SLOW)
                .until(() -> latestLog("hub-b-").contains("client 'agent:e1' from")
                        && latestLog("hub-b-").contains("credential no longer valid; closing"));
    }

    private String latestLog(String prefix) throws IOException {
        try (var files = Files.list(dir)) {
            Path newest = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(".log"))
                    .max(Comparator.comparing(Path::toString))
                    .orElseThrow();
            return Files.readString(newest);
        }
    }

    @AfterAll
    void stopFleet() throws Exception {
        for (FleetLink l : links) {
            l.stop().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        for (ChildJvm c : new ChildJvm[] {processAgent, hubA, hubB}) {
            if (c != null) {
                c.close();
            }
        }
    }
}
