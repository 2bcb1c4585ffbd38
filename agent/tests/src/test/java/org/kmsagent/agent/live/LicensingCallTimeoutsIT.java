package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.doctor.LoopbackDnsServer;
import org.kmsagent.agent.metrics.PrometheusText;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * A daemon whose licensing calls hang (the simulated stack's hang faults behind the real deadlines): the calls it
 * abandons are counted in {@code ctl status}, in the metrics, and in {@code kms-agent doctor}.
 */
class LicensingCallTimeoutsIT {
    private static final String TOKEN = "read-0123456789abcdef";

    @TempDir
    Path dir;

    private static AgentFixture.Result ctl(List<String> connect, String... args) {
        List<String> argv = new ArrayList<>(List.of("ctl"));
        argv.addAll(connect);
        argv.addAll(List.of("--token", TOKEN));
        argv.addAll(List.of(args));
        return AgentFixture.run(argv.toArray(String[]::new));
    }

    @Test
    void abandonedCallsAreCountedInCtlStatusTheMetricsAndDoctor() throws Exception {
        Path data = dir.resolve("data");
        // Every call hangs 20 s once the agent has been up 2 s; each is abandoned after 1 s.
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        dataDir: %s
        pluginsDir: %s
        bridge:
          port: 0
          tokens:
            - {name: ops, token: "%s", role: admin}
        metrics: {enabled: true, port: 0}
        renewal: {callDeadlineSeconds: 1, activationDeadlineSeconds: 1}
        simulated:
          faults: {hangRate: 1, startAfterSeconds: 2, hangSeconds: 20}
        """.formatted(data, PluginJars.builtPlugins(), TOKEN));
        AgentConfig config = new ConfigLoader(Map.of()).load(Optional.of(file), List.of());
        try (AgentDaemon daemon = AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC());
                LoopbackDnsServer dns = new LoopbackDnsServer()) {
            List<String> connect =
                    List.of("--agent", "127.0.0.1:" + daemon.bridgePort(), "--trust", daemon.fingerprint());
            // "Activate now" until the faults have begun and a call was abandoned.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                ctl(connect, "activate");
                return new JsonObject(ctl(connect, "--json", "status").out())
                                .getJsonObject("licensingCalls")
                                .getLong("timedOut")
                        > 0;
            });

            JsonObject calls = new JsonObject(ctl(connect, "--json", "status").out()).getJsonObject("licensingCalls");
            long timedOut = calls.getLong("timedOut");
            assertThat(calls.getLong("deadlineSeconds")).isEqualTo(1);
            assertThat(calls.getJsonObject("byCall").fieldNames()).isNotEmpty();
            assertThat(calls.getJsonObject("byCall").getMap().values().stream()
                            .mapToLong(v -> ((Number) v).longValue())
                            .sum())
                    .isEqualTo(timedOut);
            String lastCall = calls.getString("lastCall");
            assertThat(calls.getString("lastAt")).isNotBlank();

            AgentFixture.Result text = ctl(connect, "status");
            assertThat(text.out())
                    .contains(
                            "licensing calls: ",
                            " abandoned at their deadline (1 s, activation 1 s)",
                            "; last: " + lastCall + " at ");

            PrometheusText scrape = PrometheusText.scrape(daemon.metricsPort());
            assertThat(scrape.get("kmsagent_licensing_call_timeouts_total", "call", lastCall))
                    .isGreaterThanOrEqualTo(1.0);

            // doctor, another process's view: what the agent recorded in its data directory.
            AgentFixture.Result doctor = AgentFixture.run(doctor(
                    dns,
                    "--plugins-dir",
                    PluginJars.builtPlugins().toString(),
                    "doctor",
                    "--licensing",
                    "simulated",
                    "--config",
                    file.toString(),
                    "--json"));
            JsonObject finding = new JsonObject(doctor.out())
                    .getJsonArray("findings").stream()
                            .map(JsonObject.class::cast)
                            .filter(f -> f.getString("check").equals("licensing-calls"))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no licensing-calls finding: " + doctor));
            assertThat(finding.getString("verdict")).isEqualTo("WARN");
            assertThat(finding.getString("detail"))
                    .contains(" licensing call(s) at their deadline (1 s, activation 1 s)", "; last: ");
            assertThat(doctor.out()).contains("plugin signatures not checked (plugins.trustStore is not set)");
            assertThat(AgentFixture.run(doctor(
                                    dns,
                                    "--plugins-dir",
                                    PluginJars.builtPlugins().toString(),
                                    "doctor",
                                    "--licensing",
                                    "simulated",
                                    "--config",
                                    file.toString()))
                            .out())
                    .contains("WARN licensing-calls");
            assertThat(dns.queries()).as("DNS asked on loopback").isPositive();
        }
    }

    /** {@code args} with doctor's DNS discovery kept on {@code dns}. */
    private static String[] doctor(LoopbackDnsServer dns, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(dns.doctorOptions());
        return all.toArray(String[]::new);
    }
}
