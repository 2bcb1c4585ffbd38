package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.view.ProductView;

/** The live agent with a licensing service that hangs, and with a damaged state file. */
class LiveResilienceIT {
    @TempDir
    Path dir;

    private static ProductView windows(LiveFixture f) {
        return f.agent.products().stream()
                .filter(p -> p.family().equals("windows-client"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void hungLicensingCallsAreAbandonedAtTheirDeadlineReportedAndControlRequestsStillAnswer() throws Exception {
        // Every call hangs once the agent has been up 2 s: its start (reading the products, the first attempt) is done.
        try (LiveFixture f = LiveFixture.start(
                dir.resolve("data"),
                "simulated.faults.hangRate=1",
                "simulated.faults.startAfterSeconds=2",
                "simulated.faults.hangSeconds=20",
                "renewal.callDeadlineSeconds=1",
                "renewal.activationDeadlineSeconds=1")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> windows(f).lastResult() != null);
            // "Activate now" until the faults have begun: its license-state read hangs and is abandoned.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                f.agent.activate(Optional.empty());
                return !f.renewals("CALL_TIMED_OUT").isEmpty();
            });
            JsonObject late = f.renewals("CALL_TIMED_OUT").get(0);
            assertThat(late.getString("hresult")).isEqualTo("0x800705B4");
            assertThat(late.getJsonObject("diagnosis").getString("cause")).isEqualTo("CALL_TIMED_OUT");
            assertThat(late.getJsonObject("diagnosis").getString("detail"))
                    .contains("did not return within 1 s; abandoned on its own thread");
            assertThat(f.agent.banner()).anyMatch(l -> l.contains("simulated.faults: 0% of licensing calls fail"));
            // A control request is not held up by the hung calls: it answers within a few deadlines, not 120 s.
            long began = System.nanoTime();
            List<ProductView> products = f.agent.products();
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
            assertThat(products).isNotEmpty();
            assertThat(f.agent.licensingCalls()).contains("abandoned since start");
        }
    }

    @Test
    void aStateFileHoldingNullIsMovedAsideAndTheAgentRebuildsItsSchedules() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("state.json"), "null");
        try (LiveFixture f = LiveFixture.start(data)) {
            assertThat(f.agent.banner())
                    .anyMatch(l -> l.contains("state file " + data.resolve("state.json"))
                            && l.contains("is damaged")
                            && l.contains("state.json.damaged-"));
            await().atMost(Duration.ofSeconds(30)).until(() -> windows(f).lastResult() != null);
            assertThat(windows(f).status()).isEqualTo("INITIAL_GRACE");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(data.resolve("state.json")));
            try (var aside = Files.list(data)) {
                Path damaged = aside.filter(p -> p.getFileName().toString().startsWith("state.json.damaged-"))
                        .findFirst()
                        .orElseThrow();
                assertThat(Files.readString(damaged)).isEqualTo("null");
            }
            if (data.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("state.json"))))
                        .isEqualTo("rw-------");
            }
        }
    }
}
