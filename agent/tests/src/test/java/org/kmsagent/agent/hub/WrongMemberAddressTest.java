package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vertx.core.internal.VertxInternal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;

/**
 * A second hub whose {@code fleet.cluster.members} names a running hub's bridge, dashboard or metrics port instead of
 * its member port: Hazelcast's connection there was closed on its first packet, Hazelcast blacklisted the address
 * ({@code [127.0.0.1]:… is added to the blacklist.}) and the second hub started as a cluster of one, serving an empty
 * fleet without a word. It now refuses to start within seconds, naming the address and what answers there.
 */
class WrongMemberAddressTest {
    @TempDir
    static Path dir;

    private static HubServer first;
    private static int firstMember;
    private static final Map<String, Integer> PORTS = new HashMap<>();

    @BeforeAll
    static void aHubRuns() throws Exception {
        firstMember = LoopbackPorts.free();
        PORTS.putAll(HubYaml.portsOutsideMemberRange(firstMember));
        first = HubServer.start(config("first", firstMember, PORTS, List.of()), "first", Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.close();
        }
    }

    /** A hub on these ports whose members are its own member port and {@code others}. */
    private static AgentConfig config(String name, int member, Map<String, Integer> ports, List<String> others)
            throws Exception {
        Path file = new HubYaml(CLUSTER, member)
                .dataDir(dir.resolve(name))
                .otherMembers(others)
                .ports(ports)
                .writeTo(dir.resolve(name + ".yaml"));
        return new ConfigLoader(Map.of()).forHub().load(Optional.of(file), List.of());
    }

    private static final String CLUSTER = "wrong-member-" + UUID.randomUUID();

    /** A second hub's own ports, free ones, and the first hub's port {@code key} as its other member. */
    private static AgentConfig second(String key) throws Exception {
        int member = LoopbackPorts.free();
        return config(
                "second-" + key,
                member,
                HubYaml.portsOutsideMemberRange(member),
                List.of("127.0.0.1:" + PORTS.get(key)));
    }

    private static String refusal(String key, String what) {
        return "fleet.cluster.members: 127.0.0.1:" + PORTS.get(key) + " answers, but not as a hub's cluster member ("
                + what + "); give each hub's fleet.cluster.port (5701 by default), not its bridge, dashboard, metrics"
                + " or event-bus port (docs/fleet.md)";
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bridge.port    | TLS: a hub's bridge or dashboard port?",
                "dashboard.port | TLS: a hub's bridge or dashboard port?",
                "metrics.port   | HTTP: a hub's metrics or dashboard port?"
            })
    void aMemberAddressThatIsAnotherHubsWebOrBridgePortStopsTheHubInSeconds(String key, String what) throws Exception {
        AgentConfig config = second(key);
        long start = System.nanoTime();
        Throwable refused = null;
        try {
            HubServer started = HubServer.start(config, "second", Clock.systemUTC());
            started.close(); // it should not have started: the assertion below says so
        } catch (IllegalStateException e) {
            refused = e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(refused)
                .as("the second hub's start (it started as a cluster of one)")
                .isNotNull()
                .hasMessage(refusal(key, what));
        assertThat(took).as("time to refuse").isLessThan(Duration.ofSeconds(30));
        assertThat(((VertxInternal) first.vertx()).clusterManager().getNodes())
                .as("the first hub's cluster")
                .hasSize(1);
    }

    /** What the administrator sees: one line and exit 1. */
    @Test
    void theHubCommandSaysItInOneLineAndExits1() {
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            AgentConfig unused = second("dashboard.port"); // writes second-dashboard.port.yaml
            return CliRun.of(
                    "hub", "--config", dir.resolve("second-dashboard.port.yaml").toString());
        });

        assertThat(run.err())
                .isEqualTo("kms-agent: " + refusal("dashboard.port", "TLS: a hub's bridge or dashboard port?")
                        + System.lineSeparator());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
    }

    /** The first hub's own member port is a member: the second hub joins it, as before. */
    @Test
    void aMemberAddressThatIsAHubsMemberPortIsJoined() throws Exception {
        int member = LoopbackPorts.free();
        HubServer second = HubServer.start(
                config("joining", member, HubYaml.portsOutsideMemberRange(member), List.of("127.0.0.1:" + firstMember)),
                "second",
                Clock.systemUTC());
        try {
            assertThat(((VertxInternal) second.vertx()).clusterManager().getNodes())
                    .as("the second hub's cluster")
                    .hasSize(2);
        } finally {
            second.close();
        }
    }
}
