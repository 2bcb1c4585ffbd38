package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;

/**
 * A hub's own settings ({@code fleet.cluster.*}, its ctl tokens) are checked with the rest of its configuration: every
 * problem in one run, each with where it was written, exit 2, before Hazelcast starts. A wrong member was reported
 * alone and without its line, the interfaces only once it was fixed, and a {@code publicHost} no machine has passed
 * the check and failed at the bind (exit 1).
 */
class ClusterSettingsCheckTest {
    @TempDir
    Path dir;

    private static final String TOKENS =
            "bridge:\n  tokens: [{name: ops, token: ops-token-0123456789ab, role: admin}]\n";

    private List<String> hubErrors(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("hub.yaml"), yaml);
        try {
            new ConfigLoader(Map.of()).forHub().load(Optional.of(file), List.of());
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected a configuration error");
    }

    private String at(int line) {
        return dir.resolve("hub.yaml") + ":" + line + ": ";
    }

    @Test
    void everyWrongClusterSettingIsNamedAtItsLineTogether() throws Exception {
        assertThat(hubErrors(
                        "fleet:\n  cluster:\n    members: ['bad host:1', 'abc:notaport', '127.0.0.1:0', 'fe80::1:5701']\n"
                                + "    interfaces: [eth0, 10.1.2.300]\n    publicHost: 999.1.1.1\n"
                                + "bridge:\n  port: 70000\n"))
                .containsExactlyInAnyOrder(
                        at(3) + "fleet.cluster.members[0]: expected HOST or HOST:PORT (an IPv6 address in brackets),"
                                + " got 'bad host:1' (a host name has no spaces or control characters)",
                        at(3) + "fleet.cluster.members[1]: expected HOST or HOST:PORT (an IPv6 address in brackets),"
                                + " got 'abc:notaport' (port: expected a whole number 1-65535, got 'notaport')",
                        at(3) + "fleet.cluster.members[2]: expected HOST or HOST:PORT (an IPv6 address in brackets),"
                                + " got '127.0.0.1:0' (port: expected a whole number 1-65535, got 0)",
                        at(3) + "fleet.cluster.members[3]: expected HOST or HOST:PORT (an IPv6 address in brackets),"
                                + " got 'fe80::1:5701' (an IPv6 address without brackets is ambiguous: write"
                                + " [fe80::1]:5701 for port 5701, or [fe80::1:5701] for the default port 5701)",
                        at(4) + "fleet.cluster.interfaces[0]: expected an IPv4 address of this machine, each part a"
                                + " number 0-255, '*' or a range like 10-20 (e.g. 10.1.2.*), got 'eth0'",
                        at(4) + "fleet.cluster.interfaces[1]: expected an IPv4 address of this machine, each part a"
                                + " number 0-255, '*' or a range like 10-20 (e.g. 10.1.2.*), got '10.1.2.300'",
                        at(5) + "fleet.cluster.publicHost: expected a host name or an IP address, got '999.1.1.1'"
                                + " (each number of an IPv4 address is 0-255)",
                        at(7) + "bridge.port: expected a whole number 0-65535, got 70000",
                        at(6) + "bridge.tokens: a hub needs ctl tokens (an admin one enrols agents: ctl fleet enroll"
                                + " AGENT-ID)");
    }

    @Test
    void interfacesThatMatchNoAddressHereAreNamedWithTheAddressesThereAreOnAHub() throws Exception {
        String yaml = TOKENS + "fleet:\n  cluster:\n    interfaces: [10.99.99.*]\n";
        assertThat(hubErrors(yaml))
                .singleElement()
                .asString()
                .startsWith(at(5) + "fleet.cluster.interfaces: [10.99.99.*] match no address of this machine")
                .contains("127.0.0.1");
        // An agent binds no cluster interface.
        new ConfigLoader(Map.of()).load(Optional.of(Files.writeString(dir.resolve("agent.yaml"), yaml)), List.of());
    }

    @Test
    void theShippedFormsPass() throws Exception {
        AgentConfig c = new ConfigLoader(Map.of())
                .forHub()
                .load(
                        Optional.of(Files.writeString(
                                dir.resolve("hub.yaml"),
                                TOKENS + "fleet:\n  cluster:\n    members: [127.0.0.1:5701, hub-b.corp.example,"
                                        + " '[::1]:5701', 10.1.2.12:5701]\n    interfaces: ['127.0.0.*',"
                                        + " 10.1.2.10-20]\n    publicHost: hub-a.corp.example\n")),
                        List.of());
        assertThat(c.fleet().cluster().members()).hasSize(4);
    }

    @Test
    void theHubCommandStopsWithThemAllBeforeItStarts() {
        CliRun run = CliRun.of(
                "hub",
                "--set",
                "dataDir=" + dir.resolve("data"),
                "--set",
                "fleet.cluster.members=['bad host:1']",
                "--set",
                "fleet.cluster.publicHost=999.1.1.1");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err())
                .contains("--set fleet.cluster.members[0]: expected HOST or HOST:PORT")
                .contains("--set fleet.cluster.publicHost: expected a host name or an IP address, got '999.1.1.1'")
                .contains("bridge.tokens: a hub needs ctl tokens");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
