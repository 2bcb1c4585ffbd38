package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;

/**
 * {@code hub --name} was taken as given: {@code 'bad name'} and {@code ''} started a hub, two hubs of one cluster could
 * take one name (the fleet view then files agents under the wrong hub), and every hub bound to {@code 0.0.0.0} was
 * named {@code 0.0.0.0:7688}.
 */
class HubNameTest {
    @TempDir
    Path dir;

    private final String cluster = "hub-name-" + UUID.randomUUID();

    /** A hub on free loopback ports, its members its own member port and {@code other}. */
    private Path config(String name, int member, Integer other) throws Exception {
        return config(name, member, other, 0);
    }

    /** The same with its bridge on {@code bridgePort}. */
    private Path config(String name, int member, Integer other, int bridgePort) throws Exception {
        return new HubYaml(cluster, member)
                .bridgePort(bridgePort)
                .dataDir(dir.resolve(name))
                .otherMembers(other == null ? List.of() : List.of("127.0.0.1:" + other))
                .webServersOff()
                .writeTo(dir.resolve(name + ".yaml"));
    }

    private static AgentConfig load(Path file) throws Exception {
        return new ConfigLoader(Map.of()).forHub().load(Optional.of(file), List.of());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bad name",
                "",
                "hub/a",
                "tab\there",
                "x12345678901234567890123456789012345678901234567890123456789012345"
            })
    void aNameThatIsNoHubNameIsAUsageErrorNamingTheOption(String name) throws Exception {
        Path file = config("usage", LoopbackPorts.free(), null);
        CliRun run = assertTimeoutPreemptively(
                Duration.ofSeconds(60), () -> CliRun.of("hub", "--config", file.toString(), "--name", name));

        assertThat(run.err())
                .startsWith("kms-agent hub: --name: expected 1-64 characters: letters, digits, '.', '_', '-', ':', '[',"
                        + " ']', got '");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).doesNotContain("bridge listening");
        assertThat(dir.resolve("usage")).doesNotExist();
    }

    @Test
    void aSecondHubTakingANameAnotherMemberUsesRefusesToStartNamingBoth() throws Exception {
        int firstMember = LoopbackPorts.free();
        HubServer first = HubServer.start(load(config("first", firstMember, null)), "hub-a", Clock.systemUTC());
        try {
            int member = LoopbackPorts.free();
            int secondBridge = HubYaml.portsOutsideMemberRange(member).get("bridge.port");
            Throwable refused = null;
            // While the second hub waits for the name (12 s, in case its holder died), its bridge must not listen:
            // an agent that reached it would be refused registration, then find the hub gone.
            try (BridgeProbe probe = new BridgeProbe(secondBridge)) {
                try {
                    HubServer.start(
                                    load(config("second", member, firstMember, secondBridge)),
                                    "hub-a",
                                    Clock.systemUTC())
                            .close(); // it should not have started: the assertion below says so
                } catch (IllegalStateException e) {
                    refused = e;
                }
                assertThat(probe.accepted())
                        .as("connections the second hub's bridge accepted while it waited for a name it could not have")
                        .isZero();
                assertThat(probe.tries())
                        .as("connection attempts during the wait")
                        .isGreaterThan(10);
            }

            assertThat(refused)
                    .as("the second hub's start")
                    .isNotNull()
                    .hasMessageStartingWith("hub --name: another hub of cluster '" + cluster
                            + "' already uses the name 'hub-a' (the member whose bridge is 127.0.0.1:" + first.port()
                            + ", node ")
                    .hasMessageEndingWith("); give each hub its own --name");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(((VertxInternal) first.vertx())
                                    .clusterManager()
                                    .getNodes())
                            .as("the first hub's cluster once the second has gone")
                            .hasSize(1));
            // Another name joins, and a hub that stopped gives its name back.
            HubServer b = HubServer.start(load(config("b", member, firstMember)), "hub-b", Clock.systemUTC());
            assertThat(namesHeld(first)).as("names while hub-b runs").contains("hub-b");
            b.close();
            // Given back at its stop, not only taken over from a member that left (which the next start would do).
            assertThat(namesHeld(first)).as("names once hub-b stopped").doesNotContain("hub-b");
            HubServer again = HubServer.start(load(config("b2", member, firstMember)), "hub-b", Clock.systemUTC());
            assertThat(again.name()).isEqualTo("hub-b");
            again.close();
        } finally {
            first.close();
        }
    }

    @Test
    void aHubBoundToEveryInterfaceIsNamedByItsPublicHostOrItsMachineNotByTheWildcard() throws Exception {
        Path file = Files.writeString(
                dir.resolve("wild.yaml"),
                "bridge:\n  host: 0.0.0.0\n  port: 7688\n  tokens:\n"
                        + "    - {name: ops, token: ops-token-0123456789ab, role: admin}\n");
        AgentConfig wild = load(file);
        assertThat(HubNames.byDefault(wild, 7688))
                .isNotEqualTo("0.0.0.0:7688")
                .isEqualTo(InetAddress.getLocalHost().getHostName() + ":7688");
        AgentConfig published = new ConfigLoader(Map.of())
                .forHub()
                .load(Optional.of(file), List.of("fleet.cluster.publicHost=hub-a.corp.example"));
        assertThat(HubNames.byDefault(published, 7688)).isEqualTo("hub-a.corp.example:7688");
    }

    /** Tries to connect to a loopback port every 100 ms until closed, counting the connections accepted. */
    private static final class BridgeProbe implements AutoCloseable {
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger tries = new AtomicInteger();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        BridgeProbe(int port) {
            timer.scheduleWithFixedDelay(
                    () -> {
                        tries.incrementAndGet();
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                            accepted.incrementAndGet();
                        } catch (IOException refused) {
                            // nothing listens: what the test expects
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
        }

        int accepted() {
            return accepted.get();
        }

        int tries() {
            return tries.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** The names the cluster's map of hub names holds, as the first hub sees it. */
    private static Set<String> namesHeld(HubServer hub) throws Exception {
        return hub.vertx()
                .sharedData()
                .<String, String>getAsyncMap(HubNames.MAP)
                .compose(AsyncMap::keys)
                .await(30, TimeUnit.SECONDS);
    }
}
