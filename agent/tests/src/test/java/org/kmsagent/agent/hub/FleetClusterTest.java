package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.core.CannotListen;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;
import org.slf4j.LoggerFactory;

class FleetClusterTest {

    /**
     * A member address where something accepts connections and never answers (a port taken by another program, or a
     * hub's bridge port written as a member) kept a starting hub in Hazelcast's join for 300 s; the hub gave up after
     * 120 s printing "kms-agent: null". It now stops when its join time is up, naming the cluster and the addresses,
     * and Hazelcast's member is shut down, not left joining in the background.
     */
    @Test
    void aMemberAddressThatNeverAnswersStopsTheHubWithTheAddressesItTried() throws Exception {
        try (ServerSocket silent = new ServerSocket(LoopbackPorts.free(), 5, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // held open, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            int own = LoopbackPorts.free();
            String cluster = "silent-member-" + UUID.randomUUID();
            FleetConfig.ClusterConfig config = new FleetConfig.ClusterConfig(
                    cluster, List.of("127.0.0.1:" + own, "127.0.0.1:" + silent.getLocalPort()), null, own, null, 0);
            Set<String> before = hazelcastThreads();

            assertThatThrownBy(() -> FleetCluster.join(config, null, Duration.ofSeconds(3)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not join cluster '" + cluster + "'")
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort())
                    .hasMessageContaining("fleet.cluster.members");
            assertThat(accepted).as("Hazelcast connected to the silent address").isNotEmpty();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(hazelcastThreads())
                            .as("Hazelcast's threads once the join has failed")
                            .isSubsetOf(before));
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /**
     * The same hub, as its user saw it: for the whole wait its log stopped at Hazelcast's "is STARTING", so it looked
     * hung; and after its one-line reason came two Vert.x ERROR records with stack traces ("Failed to initialize
     * clustered Vert.x", then "Failed to leave cluster" with a NullPointerException from inside vertx-hazelcast). It
     * now says at once which cluster it joins, through which members and for how long, and the failure is its own
     * line alone.
     */
    @Test
    void aHubThatCannotJoinSaysWhatItTriesAndEndsWithoutVertxStackTraces() throws Exception {
        ch.qos.logback.classic.Logger own = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(FleetCluster.class);
        ch.qos.logback.classic.Level level = own.getLevel();
        own.setLevel(ch.qos.logback.classic.Level.INFO); // a hub's default logging.level; the tests run at WARN
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                LogLines log = new LogLines()) {
            silentlyAccepting(silent);
            int port = LoopbackPorts.free();
            String cluster = "cannot-join-" + UUID.randomUUID();
            List<String> members = List.of("127.0.0.1:" + silent.getLocalPort());
            FleetConfig.ClusterConfig config = new FleetConfig.ClusterConfig(cluster, members, null, port, null, 0);

            assertThatThrownBy(() -> FleetCluster.join(config, null, Duration.ofSeconds(3)))
                    .hasMessageStartingWith("fleet.cluster: could not join cluster '" + cluster + "' within 3 s");

            assertThat(log.text())
                    .containsPattern("INFO .* - fleet.cluster: joining cluster '" + cluster + "' through members \\Q"
                            + members + "\\E \\(at most 3 s\\)")
                    .doesNotContain("Failed to initialize clustered Vert.x")
                    .doesNotContain("Failed to leave cluster")
                    .doesNotContain("NullPointerException")
                    .doesNotContain("io.vertx.core.impl.VertxImpl");
        } finally {
            own.setLevel(level);
        }
    }

    /** Accepts connections on {@code silent} and holds them open, never answering, until the socket closes. */
    private static void silentlyAccepting(ServerSocket silent) {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept());
                }
            } catch (IOException closed) {
                for (Socket s : accepted) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * An event-bus port taken after the hub checked it (HubServer tries its ports before it joins): Vert.x fails
     * once the member has joined. The hub stops naming the event bus, its keys and its address, and its member leaves
     * the cluster rather than staying in it without a hub behind it. Vert.x's own ERROR record of it is left out.
     */
    @Test
    void anEventBusPortTakenAfterTheCheckStopsTheHubNamingItAndItsMemberLeaves() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                LogLines log = new LogLines()) {
            int own = LoopbackPorts.free();
            FleetConfig.ClusterConfig config = new FleetConfig.ClusterConfig(
                    "taken-bus-" + UUID.randomUUID(),
                    List.of("127.0.0.1:" + own),
                    null,
                    own,
                    null,
                    taken.getLocalPort());
            Set<String> before = hazelcastThreads();

            assertThatThrownBy(() -> FleetCluster.join(config, null))
                    .isInstanceOf(CannotListen.class)
                    .hasMessage("event bus: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + " (fleet.cluster.publicHost, fleet.cluster.eventBusPort): address already in use");
            // That line is the whole story: Vert.x's record of the failed start, with its stack trace, is not repeated.
            assertThat(log.text()).doesNotContain("Failed to initialize clustered Vert.x");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(hazelcastThreads())
                            .as("Hazelcast's threads once the event bus has failed")
                            .isSubsetOf(before));
        }
    }

    /**
     * A hub's Prometheus metrics are Micrometer's, never Hazelcast's own; Hazelcast's collection ran anyway, and a stop
     * that interrupted it logged "Collecting metrics from source ...MapService failed" with a stack trace.
     */
    @Test
    void aHubsHazelcastCollectsNoMetricsOfItsOwn() {
        FleetConfig.ClusterConfig config = new FleetConfig.ClusterConfig("metrics-off", null, null, null, null, 0);

        assertThat(FleetCluster.hazelcastConfig(config).getMetricsConfig().isEnabled())
                .as("Hazelcast's metrics collection")
                .isFalse();
    }

    /** The live threads of Hazelcast members in this JVM ({@code hz.<instance>.<part>}). */
    private static Set<String> hazelcastThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("hz."))
                .collect(Collectors.toSet());
    }

    /**
     * On a machine of two cores (the JDK's common pool then has one thread) Hazelcast started a thread for every
     * completed map operation: a hub handling a few thousand agents started thousands of threads a second.
     */
    @Test
    void aHubsFleetMapOperationsDoNotStartAThreadEach() throws Exception {
        FleetConfig.ClusterConfig config =
                new FleetConfig.ClusterConfig("fleet-cluster-test-" + UUID.randomUUID(), null, null, null, null, 0);
        Vertx vertx = FleetCluster.start(config).await(60, TimeUnit.SECONDS);
        try {
            AsyncMap<String, JsonObject> map = vertx.sharedData()
                    .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                    .await(30, TimeUnit.SECONDS);
            map.put("warm", new JsonObject()).await(30, TimeUnit.SECONDS);
            long startedBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();

            int operations = 0;
            for (int round = 0; round < 10; round++) {
                List<Future<?>> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String id = "a" + (round * 20 + i);
                    batch.add(map.put(id, new JsonObject().put("agentId", id)).compose(v -> map.get(id)));
                    operations += 2;
                }
                Future.all(batch).await(30, TimeUnit.SECONDS);
            }

            long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - startedBefore;
            assertThat(operations).isEqualTo(400);
            assertThat(started)
                    .as("threads started for %d map operations", operations)
                    .isLessThan(40);
            assertThat(map.get("a199").await(30, TimeUnit.SECONDS).getString("agentId"))
                    .isEqualTo("a199");
        } finally {
            vertx.close().await(60, TimeUnit.SECONDS);
        }
    }

    /**
     * A hub only publishes agent addresses locally (other hubs relay through it), so an agent's registrations over
     * the bridge must not be written to the cluster's subscription map: two map writes per agent at every connection,
     * and a copy on the other member (docs/performance-log.md).
     */
    @Test
    void anAgentsRegistrationsOverTheBridgeStayOnItsHubAndStillHearItsLocalPublishes(@TempDir Path dir)
            throws Exception {
        FleetConfig.ClusterConfig config =
                new FleetConfig.ClusterConfig("fleet-cluster-test-" + UUID.randomUUID(), null, null, null, null, 0);
        Vertx vertx = FleetCluster.start(config).await(60, TimeUnit.SECONDS);
        try {
            TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
            List<TokenConfig> tokens = List.of(new TokenConfig("agents", LocalHub.AGENT_TOKEN, Role.READ));
            AgentBridge bridge = new AgentBridge(
                            vertx, LocalHub.bridgeConfig(tokens, 0), tls, tokens, new HubRoutes(Set.of("agents")))
                    .listen()
                    .await(30, TimeUnit.SECONDS);
            NetClient client = vertx.createNetClient(FleetLink.clientOptions(List.of(tls.fingerprint()), null));
            HubConnection agent = HubConnection.connect(vertx, client, "127.0.0.1", bridge.port(), LocalHub.AGENT_TOKEN)
                    .await(30, TimeUnit.SECONDS);
            CompletableFuture<JsonObject> heard = new CompletableFuture<>();
            agent.onMessage(heard::complete);
            String own = FleetAddresses.agent("a1");
            Future.all(agent.register(FleetAddresses.ALL_AGENTS, 30_000), agent.register(own, 30_000))
                    .await(30, TimeUnit.SECONDS);

            for (String address : List.of(FleetAddresses.ALL_AGENTS, own)) {
                Promise<List<RegistrationInfo>> inCluster = Promise.promise();
                ((VertxInternal) vertx).clusterManager().getRegistrations(address, inCluster);
                // The cluster manager lists this member's local-only consumers too; those are never written to
                // the cluster's map.
                assertThat(inCluster.future().await(30, TimeUnit.SECONDS))
                        .as("subscriptions on %s", address)
                        .isNotEmpty()
                        .allMatch(RegistrationInfo::localOnly);
            }
            vertx.eventBus()
                    .publish(own, new JsonObject().put("command", "status"), new DeliveryOptions().setLocalOnly(true));
            JsonObject frame = heard.get(30, TimeUnit.SECONDS);
            assertThat(frame.getString("address")).isEqualTo(own);
            assertThat(frame.getJsonObject("body").getString("command")).isEqualTo("status");
        } finally {
            vertx.close().await(60, TimeUnit.SECONDS);
        }
    }
}
