package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.KmsAgentCommand;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.plugin.PluginJars;
import picocli.CommandLine;

/**
 * {@code kms-agent ctl status | activate | watch | host} against a real daemon with the production binding (the
 * {@link LiveAgent}) and the four real plugins, over the TLS bridge on 127.0.0.1.
 */
class CtlLiveIT {
    private static final String ADMIN = "admin-0123456789abcdef";
    private static final String READ = "read-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void statusActivateAndWatchAgainstTheRealAgent() throws Exception {
        Path data = dir.resolve("data");
        LiveFixture.seedLedger(data, 24);
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        host:
          enabled: true
        bridge:
          port: 0
          tokens:
            - {name: ops, token: "${ADMIN_T}", role: admin}
            - {name: dashboard, token: "${READ_T}", role: read}
        renewal:
          families:
            office2031: {kms: dns}
        """);
        AgentConfig config = new ConfigLoader(Map.of("ADMIN_T", ADMIN, "READ_T", READ))
                .load(Optional.of(file), List.of("dataDir=" + data, "pluginsDir=" + PluginJars.builtPlugins()));
        try (AgentDaemon daemon = AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC())) {
            List<String> connect =
                    List.of("--agent", "127.0.0.1:" + daemon.bridgePort(), "--trust", daemon.fingerprint());
            assertThat(daemon.banner())
                    .anyMatch(l -> l.contains("licensing stack: simulated"))
                    .anyMatch(l -> l.contains("KMS host role on"))
                    .anyMatch(l -> l.startsWith(
                                    "kms-agent: renewal.families.office2031: no loaded plugin provides this family "
                                            + "(loaded: ")
                            && l.contains("windows-client"));

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ctl(connect, READ, "status").out().contains("LICENSED"));
            AgentFixture.Result status = ctl(connect, READ, "status");
            assertThat(status.exit()).as(status.toString()).isZero();
            assertThat(status.out())
                    .contains("windows-client", "Windows 11 Enterprise", "XXXXX-XXXXX-XXXXX-XXXXX-2YT43");
            AgentFixture.Result host = ctl(connect, READ, "host");
            assertThat(host.exit()).as(host.toString()).isZero();
            assertThat(host.out()).contains("host role: on", "25", "client 25 met", "ledger: 25 client(s)");

            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                Future<Integer> watch = pool.submit(() -> {
                    CommandLine cl = KmsAgentCommand.commandLine();
                    cl.setOut(new PrintWriter(out, true));
                    cl.setErr(new PrintWriter(err, true));
                    List<String> argv = new ArrayList<>(List.of("ctl"));
                    argv.addAll(connect);
                    argv.addAll(List.of("--token", READ, "--json", "watch", "--count", "3"));
                    return cl.execute(argv.toArray(String[]::new));
                });
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> err.toString().contains("watching kmsagent.events"));

                AgentFixture.Result activate = ctl(connect, ADMIN, "activate", "--family", "windows-client");
                assertThat(activate.exit()).as(activate.toString()).isZero();
                assertThat(activate.out()).contains("windows-client", "Windows 11 Enterprise", "renewed");

                assertThat(watch.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
                List<JsonObject> events = out.toString()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .map(JsonObject::new)
                        .toList();
                assertThat(events)
                        .extracting(e -> e.getString("type"))
                        .contains(LiveAgent.RENEWAL, "activation", "state-changed");
                JsonObject renewal = events.stream()
                        .filter(e -> e.getString("type").equals(LiveAgent.RENEWAL))
                        .findFirst()
                        .orElseThrow()
                        .getJsonObject("data");
                assertThat(renewal.getString("kind")).isEqualTo("RENEWED");
                assertThat(renewal.getString("family")).isEqualTo("windows-client");
                assertThat(renewal.getString("hresult")).isEqualTo("0x00000000 S_OK");
                assertThat(renewal.getInteger("count")).isEqualTo(25);
            } finally {
                pool.shutdownNow();
            }
            // A family the agent has not loaded is refused with the ids it has, as 'products --family' does.
            AgentFixture.Result unknown = ctl(connect, ADMIN, "activate", "--family", "office2031");
            assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(1);
            assertThat(unknown.err())
                    .contains("error: no loaded family 'office2031' (loaded: office2010, office2013, ")
                    .contains("windows-client, windows-server) (code 404)");
            AgentFixture.Result unload = ctl(connect, ADMIN, "plugins", "unload", "office2031");
            assertThat(unload.exit()).as(unload.toString()).isEqualTo(1);
            assertThat(unload.err()).contains("error: no loaded plugin 'office2031' (loaded: office2010, ");
            // A read token may watch and query, never change.
            AgentFixture.Result refused = ctl(connect, READ, "activate");
            assertThat(refused.exit()).isEqualTo(3);
        }
    }

    private static AgentFixture.Result ctl(List<String> connect, String token, String... args) {
        List<String> argv = new ArrayList<>(List.of("ctl"));
        argv.addAll(connect);
        argv.addAll(List.of("--token", token));
        argv.addAll(List.of(args));
        return AgentFixture.run(argv.toArray(String[]::new));
    }
}
