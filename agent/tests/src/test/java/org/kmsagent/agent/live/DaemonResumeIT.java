package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * Issue 5's must-show: a real {@code kms-agent run} child process, killed with SIGKILL after activating and started
 * again from the same data directory, resumes its renewal schedule: nothing is activated again at once, and every
 * product is still scheduled with its validity.
 */
class DaemonResumeIT {
    private static final Pattern LISTENING = Pattern.compile("bridge listening on 127\\.0\\.0\\.1:(\\d+) \\(TLS\\)");
    private static final Pattern FINGERPRINT = Pattern.compile("bridge certificate SHA-256 ([0-9A-F:]{95})");
    private static final String PRODUCT = "windows-client/73111121-5638-40f6-bc11-f1d7b0d64300";

    @TempDir
    Path dir;

    @Test
    void aDaemonKilledAfterActivatingResumesItsScheduleInsteadOfActivatingAgain() throws Exception {
        Path data = dir.resolve("data");
        LiveFixture.seedLedger(
                data, 24); // a site of 24 other clients: this machine is the 25th (docs/kms-rules.md §1.5)
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        pluginsDir: %s
        dataDir: %s
        host:
          enabled: true
        bridge:
          port: 0
        simulated:
          editions: ["Windows 11 Enterprise", "Office 2013 Professional Plus"]
        """.formatted(PluginJars.builtPlugins(), data));

        Child first = Child.start(config, dir.resolve("first.log"));
        JsonNode before;
        try {
            // Activated and stored: Windows (count 25 of 25) and Office 2013 (count 1 of 5: refused, retried later).
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stored(data) != null
                            && stored(data)
                                    .path("products")
                                    .path(PRODUCT)
                                    .path("lastResult")
                                    .asText()
                                    .endsWith(" ok")
                            && stored(data).path("products").size() == 2);
            before = stored(data);
        } finally {
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(first.process.exitValue()).isEqualTo(137);

        Child second = Child.start(config, dir.resolve("second.log"));
        try {
            String nextDue =
                    before.path("products").path(PRODUCT).path("nextDue").asText();
            assertThat(second.output())
                    .contains("renewal windows-client Windows 11 Enterprise: resumed, next attempt " + nextDue);
            // The resumed loops wait for their stored times (the line above says when): the stored attempts are
            // unchanged.
            JsonNode now = stored(data);
            assertThat(now).isNotNull();
            assertThat(now.path("products")).isEqualTo(before.path("products"));
            AgentFixture.Result status = AgentFixture.run(
                    "ctl",
                    "--agent",
                    "127.0.0.1:" + second.port,
                    "--trust",
                    second.fingerprint,
                    "--token-file",
                    data.resolve("admin.token").toString(),
                    "--json",
                    "status");
            assertThat(status.exit()).as(status.toString()).isZero();
            JsonArray products = new JsonObject(status.out()).getJsonArray("products");
            assertThat(products).hasSize(2);
            for (Object o : products) {
                JsonObject p = (JsonObject) o;
                JsonNode schedule = before.path("products").path(p.getString("family") + "/" + p.getString("skuId"));
                assertThat(p.getString("nextAttempt"))
                        .isEqualTo(schedule.path("nextDue").asText());
                assertThat(p.getString("validUntil")).isNotNull();
                assertThat(p.getString("lastResult"))
                        .isEqualTo(schedule.path("lastResult").asText());
            }
            JsonObject windows = products.stream()
                    .map(JsonObject.class::cast)
                    .filter(p -> p.getString("family").equals("windows-client"))
                    .findFirst()
                    .orElseThrow();
            assertThat(windows.getString("status")).isEqualTo("LICENSED");
            assertThat(windows.getString("validUntil"))
                    .isEqualTo(before.path("products")
                            .path(PRODUCT)
                            .path("validUntil")
                            .asText());
        } finally {
            second.process.destroy();
            second.process.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(second.output()).contains("kms-agent: stopped");
    }

    private static JsonNode stored(Path data) {
        try {
            Path file = data.resolve("state.json");
            return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null; // being replaced at this moment: read it again
        }
    }

    private record Child(Process process, Path log, int port, String fingerprint) {
        static Child start(Path config, Path log) throws Exception {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-XX:-UsePerfData",
                            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                            "org.kmsagent.agent.cli.Main",
                            "run",
                            "--config",
                            config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> Files.readString(log).contains("kms-agent: renewal ") || !p.isAlive());
                String out = Files.readString(log);
                Matcher port = LISTENING.matcher(out);
                Matcher fp = FINGERPRINT.matcher(out);
                assertThat(port.find() && fp.find()).as(out).isTrue();
                return new Child(p, log, Integer.parseInt(port.group(1)), fp.group(1));
            } catch (RuntimeException | AssertionError e) {
                p.destroyForcibly();
                throw new AssertionError("the daemon did not start:\n" + Files.readString(log), e);
            }
        }

        String output() throws IOException {
            return Files.readString(log);
        }
    }
}
