package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * The third-party Windows Server Semi-Annual Channel plugin of docs/examples, built by the reactor against plugin-api
 * alone, dropped into the plugins directory of a running agent: served after {@code ctl plugins rescan} without a
 * restart, listed by {@code products}, and counted in {@code simulate} in the Windows pool it shares by application
 * id with the bundled families.
 */
class ThirdPartyDropInIT {
    private static final String ADMIN = "admin-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aDroppedInFamilyIsServedByARunningAgentAndCountsInThePoolOfItsApplication() throws Exception {
        Path plugins = dir.resolve("plugins");
        PluginJars.copyBuilt(plugins, "windows-client", "windows-server", "office2010", "office2013");
        try (AgentDaemon daemon = start(plugins, "")) {
            List<String> connect = connect(daemon);
            AgentFixture.Result before = ctl(connect, "plugins", "list");
            assertThat(before.exit()).as(before.toString()).isZero();
            assertThat(before.out()).contains("windows-server").doesNotContain("windows-server-sac");

            Files.copy(exampleJar(), plugins.resolve("windows-server-sac-plugin-1.0.0.jar"));
            AgentFixture.Result rescan = ctl(connect, "plugins", "rescan");
            assertThat(rescan.exit()).as(rescan.toString()).isZero();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ctl(connect, "plugins", "list").out().contains("windows-server-sac"));
        }

        CliRun products = CliRun.of("products", "--plugins-dir", plugins.toString());
        assertThat(products.exitCode()).isZero();
        assertThat(products.out()).contains("windows-server-sac").contains("Windows Server Semi-Annual Channel");

        // Three Semi-Annual Channel servers, then two Windows Server 2022 ones: five servers in the Windows pool, so
        // the fifth request reaches the server threshold and every one of them activates at its next contact.
        Path scenario = Files.writeString(dir.resolve("sac-site.yaml"), """
        name: Semi-Annual Channel beside Windows Server 2022
        seed: 3
        days: 1
        machines:
          - name: sac-{n}
            count: 3
            family: windows-server-sac
            edition: Windows Server, version 1809 Datacenter
            every: 5m
          - name: srv-{n}
            count: 2
            family: windows-server
            edition: Windows Server 2022 Datacenter
            arrive: 20m
            every: 5m
        """);
        CliRun simulate = CliRun.of("simulate", scenario.toString(), "--plugins-dir", plugins.toString(), "--json");
        assertThat(simulate.exitCode()).as(simulate.err()).isZero();
        List<String> sac = simulate.out()
                .lines()
                .filter(l -> l.contains("\"family\":\"windows-server-sac\""))
                .toList();
        assertThat(sac).as("Semi-Annual Channel events").isNotEmpty();
        assertThat(sac)
                .as("counted in the Windows pool")
                .allMatch(l -> !l.contains("\"pool\"") || l.contains("\"pool\":\"windows\""));
        assertThat(sac.stream()
                        .filter(l -> l.contains("\"event\":\"activated\""))
                        .count())
                .as(simulate.out())
                .isEqualTo(3);
    }

    @Test
    void aMachineWhoseWindowsIsAThirdPartyServerFamilysIsReportedAsAServer() throws Exception {
        // Before: the agent took a machine for a server only when a family with the bundled id windows-server had a
        // product on it, so a Semi-Annual Channel server (on Linux, whose os.name says nothing) went to the hubs as
        // a client. Now the edition's threshold class says it, whichever plugin declares it.
        Path plugins = dir.resolve("plugins");
        PluginJars.copyBuilt(plugins, "office2013");
        Files.copy(exampleJar(), plugins.resolve("windows-server-sac-plugin-1.0.0.jar"));
        try (AgentDaemon daemon = start(plugins, """
                simulated:
                  editions: ["Windows Server, version 1809 Datacenter", Office Professional Plus 2013]
                """)) {
            List<String> connect = connect(daemon);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ctl(connect, "--json", "status").out().contains("windows-server-sac"));
            AgentFixture.Result status = ctl(connect, "--json", "status");
            assertThat(status.exit()).as(status.toString()).isZero();
            assertThat(status.out()).as(status.out()).containsPattern("\"osClass\" ?: ?\"server\"");
        }
    }

    /** An agent on the simulated stack with an admin token and {@code extraYaml}, over the plugins in {@code plugins}. */
    private AgentDaemon start(Path plugins, String extraYaml) throws Exception {
        return SimulatedDaemon.start(dir, ADMIN, plugins, extraYaml);
    }

    private static List<String> connect(AgentDaemon daemon) {
        return AgentFixture.connection(daemon);
    }

    private static AgentFixture.Result ctl(List<String> connect, String... args) {
        List<String> argv = new ArrayList<>(List.of("ctl"));
        argv.addAll(connect);
        argv.addAll(List.of("--token", ADMIN));
        argv.addAll(List.of(args));
        return AgentFixture.run(argv.toArray(String[]::new));
    }

    private static Path exampleJar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("kmsagent.test.examplePlugins")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("windows-server-sac-plugin"))
                    .findFirst()
                    .orElseThrow();
        }
    }
}
