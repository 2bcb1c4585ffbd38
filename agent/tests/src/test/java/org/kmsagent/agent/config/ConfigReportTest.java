package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an administrator reads when a configuration is wrong: every mistake at once, each with where it is. */
class ConfigReportTest {
    private static final Map<String, String> HUB_TOKENS =
            Map.of("KMSAGENT_AGENT_TOKEN", "agent-token-0123456789", "KMSAGENT_OPS_TOKEN", "ops-token-0123456789ab");

    @TempDir
    Path dir;

    private static List<String> errors(ConfigLoader loader, Optional<Path> file, String... sets) {
        try {
            loader.load(file, List.of(sets));
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected a configuration error");
    }

    @Test
    void theShippedHubConfigurationGivesEveryServerItsOwnPort() throws Exception {
        Path shipped = Path.of("..", "..", "distribution", "src", "main", "conf", "hub.yaml");
        AgentConfig c = new ConfigLoader(HUB_TOKENS).forHub().load(Optional.of(shipped), List.of());
        assertThat(c.dashboard().enabled()).isTrue();
        assertThat(c.metrics().enabled()).isTrue();
        assertThat(List.of(
                        c.bridge().port(),
                        c.dashboard().port(),
                        c.metrics().port(),
                        c.fleet().cluster().eventBusPort()))
                .doesNotHaveDuplicates();
        assertThat(c.fleet().cluster().eventBusPort())
                .as("a fixed port a firewall rule can name")
                .isPositive();
    }

    @Test
    void aBridgeAndADashboardOnOnePortAreRefused() {
        assertThat(errors(new ConfigLoader(Map.of()), Optional.empty(), "bridge.port=7689", "dashboard.enabled=true"))
                .containsExactly("dashboard.port: 7689 is also bridge.port; give each its own port");
        // A wildcard address meets every other one.
        assertThat(errors(
                        new ConfigLoader(Map.of()),
                        Optional.empty(),
                        "bridge.port=7689",
                        "dashboard.enabled=true",
                        "dashboard.host=10.1.2.3",
                        "bridge.host=0.0.0.0"))
                .containsExactly("dashboard.port: 7689 is also bridge.port; give each its own port");
    }

    @Test
    void serversOnDifferentAddressesMayShareAPortNumber() throws Exception {
        AgentConfig c = new ConfigLoader(Map.of())
                .load(
                        Optional.empty(),
                        List.of("bridge.port=7689", "dashboard.enabled=true", "dashboard.host=127.0.0.2"));
        assertThat(c.dashboard().port()).isEqualTo(c.bridge().port());
    }

    @Test
    void aHubsEventBusPortMustNotClashWithItsOtherPortsNorItsMemberRange() throws Exception {
        ConfigLoader hub = new ConfigLoader(Map.of()).forHub();
        // A hub needs its ctl tokens (reported with the rest).
        Optional<Path> tokens = Optional.of(Files.writeString(
                dir.resolve("hub.yaml"),
                "bridge:\n  tokens: [{name: ops, token: ops-token-0123456789ab, role: admin}]\n"));
        assertThat(errors(hub, tokens, "metrics.enabled=true", "fleet.cluster.eventBusPort=9688"))
                .containsExactly("--set fleet.cluster.eventBusPort: 9688 is also metrics.port; give each its own port");
        assertThat(errors(hub, tokens, "fleet.cluster.eventBusPort=5720"))
                .containsExactly(
                        "--set fleet.cluster.eventBusPort: 5720 is in the cluster's member port range 5701-5750 (fleet.cluster.port and "
                                + "the 49 after it); give it a port outside that range");
        // An agent does not cluster: its ports are not compared with the cluster's.
        assertThat(new ConfigLoader(Map.of())
                        .load(Optional.empty(), List.of("metrics.enabled=true", "metrics.port=5801")))
                .isNotNull();
    }

    @Test
    void sevenMistakesAreListedInOneRunWithFileLineAndKey() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: magic
        host:
          activationIntervalMinutes: 5
        bridge:
          prot: 7000
          maxConnections: lots
          tokens:
            - {name: ops, token: "0123456789abcdef-ops", role: root}
        renewal:
          kms: "kms.example:notaport"
        fleet:
          heartbeatSeconds: 0
        metrics:
          enabled: yes-please
        """);
        String f = file.toString();
        assertThat(errors(new ConfigLoader(Map.of()), Optional.of(file)))
                .containsExactlyInAnyOrder(
                        f + ":1: licensing: must be one of slc|simulated|auto, got 'magic'",
                        f + ":3: host.activationIntervalMinutes: expected a whole number 15-43200, got 5",
                        f
                                + ":5: bridge.prot: unknown key (known here: anonymous, enabled, eventLoops, host, idleTimeoutSeconds, inbound, "
                                + "maxConnections, maxConnectionsPerAddress, maxConnectionsPerToken, maxFrameBytes, outbound, port, "
                                + "requestTimeoutSeconds, tls, tokens)",
                        f + ":6: bridge.maxConnections: expected a whole number, got 'lots'",
                        f + ":8: bridge.tokens[0].role: must be one of read|admin, got 'root'",
                        f + ":10: renewal.kms: expected host, host:port, [IPv6]:port, dns or dns:domain, got "
                                + "'kms.example:notaport' (port: expected a whole number 1-65535, got 'notaport')",
                        f + ":12: fleet.heartbeatSeconds: expected a whole number 1-3600, got 0",
                        f + ":14: metrics.enabled: expected true or false, got 'yes-please'");
    }

    @Test
    void aFamilyNoPluginProvidesIsReported() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        renewal:
          families:
            office2013: {kms: dns}
            office2031: {kms: dns}
        """);
        // Not an error of the file (a plugin may be added later): the running agent says it once its plugins are
        // loaded.
        AgentConfig config = new ConfigLoader(Map.of()).load(Optional.of(file), List.of());
        assertThat(config.renewal().unknownFamilies(Set.of("windows-client", "office2013")))
                .containsExactly("renewal.families.office2031: "
                        + "no loaded plugin provides this family (loaded: office2013, windows-client)");
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheVariable() {
        assertThat(errors(
                        new ConfigLoader(Map.of("KMSAGENT_BRIDGE_PORT", "abc", "KMSAGENT_HOST_PORT", "0")),
                        Optional.empty()))
                .containsExactlyInAnyOrder(
                        "environment variable KMSAGENT_BRIDGE_PORT: bridge.port: expected a whole number, got 'abc'",
                        "environment variable KMSAGENT_HOST_PORT: host.port: expected a whole number 1-65535, got 0");
    }
}
