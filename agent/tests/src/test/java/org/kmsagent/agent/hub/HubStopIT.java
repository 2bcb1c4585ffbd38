package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bench.LoopbackPorts;

/**
 * {@code kms-agent hub} as a real process says that it stops on SIGTERM, and that it has stopped, as {@code run}
 * does.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "sends SIGTERM with kill, as an init system stops a hub")
class HubStopIT {
    @TempDir
    Path dir;

    @Test
    void aHubStoppedWithSigtermSaysItIsStoppingThenStopped() throws Exception {
        try (ChildJvm hub = ChildJvm.start(
                "org.kmsagent.agent.cli.Main",
                List.of("hub", "--config", config().toString(), "--name", "hub-stop"),
                "bridge listening",
                dir.resolve("hub.log"),
                Duration.ofSeconds(150))) {
            assertThat(hub.output()).doesNotContain("stopping");

            int exit = hub.stop(Duration.ofSeconds(60));

            // The process has exited; the line reader may still be taking in its last lines.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(hub.output()).as("exit " + exit).contains("kms-agent hub: stopped"));
            assertThat(hub.output().lines().filter(l -> l.startsWith("kms-agent hub: stop")))
                    .containsExactly("kms-agent hub: stopping", "kms-agent hub: stopped");
            assertThat(exit)
                    .as("exit code after SIGTERM (143: the JVM's for SIGTERM)")
                    .isIn(0, 143);
            // A normal stop is no failure: nothing in the hub's log says one (Hazelcast's metrics collection, cut
            // short by the stop, logged a WARN and a stack trace).
            assertThat(Files.readAllLines(dir.resolve("hub.log")))
                    .as("the hub's log")
                    .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.startsWith("\tat "));
        }
    }

    @Test
    void withJsonAHubSaysReadyStoppingAndStoppedAsJsonLines() throws Exception {
        try (ChildJvm hub = ChildJvm.start(
                "org.kmsagent.agent.cli.Main",
                List.of("hub", "--json", "--config", config().toString(), "--name", "hub-json"),
                "\"event\":\"ready\"",
                dir.resolve("hub.log"),
                Duration.ofSeconds(150))) {
            ObjectMapper json = new ObjectMapper();
            JsonNode ready = json.readTree(events(hub).get(0));
            assertThat(ready.path("hub").asText()).isEqualTo("hub-json");
            assertThat(ready.path("bridge").path("address").asText()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(ready.path("bridge").path("certificateSha256").asText()).matches("[0-9A-F:]{95}");
            assertThat(ready.path("dashboard").isMissingNode())
                    .as("no dashboard configured")
                    .isTrue();
            assertThat(hub.output()).doesNotContain("kms-agent hub: bridge listening");

            hub.stop(Duration.ofSeconds(60));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(events(hub)).hasSize(3));
            assertThat(events(hub).stream().map(l -> readEvent(json, l)))
                    .containsExactly("ready", "stopping", "stopped");
        }
    }

    private static List<String> events(ChildJvm hub) {
        return hub.output().lines().filter(l -> l.startsWith("{\"event\"")).toList();
    }

    private static String readEvent(ObjectMapper json, String line) {
        try {
            return json.readTree(line).path("event").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path config() throws IOException {
        return new HubYaml("hub-stop-" + UUID.randomUUID(), LoopbackPorts.free())
                .dataDir(dir.resolve("data"))
                .writeTo(dir.resolve("hub.yaml"));
    }
}
