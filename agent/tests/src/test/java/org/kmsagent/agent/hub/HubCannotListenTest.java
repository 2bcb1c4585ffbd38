package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.internal.VertxInternal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.ConfigLoader;

/**
 * A second hub started on a machine where a hub already runs, one of its ports the first hub's (as two hubs started
 * with the shipped {@code conf/hub.yaml} are): it says which of its servers cannot listen, on which address and under
 * which keys, in one line, and exits 1, without ever joining the first hub's cluster. It once joined it on the next
 * member port, then died with "kms-agent: Address already in use" and stack traces.
 */
class HubCannotListenTest {
    @TempDir
    static Path dir;

    private static HubServer first;
    private static Path config;
    private static final Map<String, Integer> PORTS = new HashMap<>();

    @BeforeAll
    static void aHubRuns() throws Exception {
        int hz = LoopbackPorts.free();
        PORTS.putAll(HubYaml.portsOutsideMemberRange(hz));
        config = new HubYaml("cannot-listen-" + UUID.randomUUID(), hz)
                .ports(PORTS)
                .writeTo(dir.resolve("hub.yaml"));
        first = HubServer.start(
                new ConfigLoader(Map.of())
                        .forHub()
                        .load(Optional.of(config), List.of("dataDir=" + dir.resolve("first"))),
                "first",
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.close();
        }
    }

    /** The second hub shares one port with the first; its other ports are free ones. */
    @ParameterizedTest
    @CsvSource({
        "bridge.port, bridge, bridge.host",
        "dashboard.port, dashboard, dashboard.host",
        "metrics.port, metrics, metrics.host",
        "fleet.cluster.eventBusPort, event bus, fleet.cluster.publicHost"
    })
    void aSecondHubOnATakenPortSaysWhichAndNeverJoinsTheCluster(String portKey, String server, String hostKey) {
        List<String> args = new ArrayList<>(
                List.of("hub", "--config", config.toString(), "--set", "dataDir=" + dir.resolve("second")));
        for (String key : PORTS.keySet()) {
            if (!key.equals(portKey)) {
                args.addAll(List.of("--set", key + "=" + LoopbackPorts.free()));
            }
        }
        int taken = PORTS.get(portKey);

        CliRun second = CliRun.of(args.toArray(String[]::new));

        assertThat(second.err())
                .isEqualTo("kms-agent: " + server + ": cannot listen on 127.0.0.1:" + taken + " (" + hostKey + ", "
                        + portKey + "): address already in use" + System.lineSeparator());
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.out()).isEmpty();
        assertThat(((VertxInternal) first.vertx()).clusterManager().getNodes())
                .as("the first hub's cluster")
                .hasSize(1);
    }
}
