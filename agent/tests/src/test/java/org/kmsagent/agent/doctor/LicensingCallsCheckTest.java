package org.kmsagent.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kmsagent.agent.licensing.CallTimeouts;
import org.kmsagent.agent.licensing.CallTimeoutsFile;

/**
 * A damaged {@code <dataDir>/licensing-calls.json}: doctor's warning names the file, says it is damaged and why in
 * one short line (line and column for what is not JSON), and what the agent does with it.
 */
class LicensingCallsCheckTest {
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{{garbage|line 1, column 2: not JSON",
                "'   '|empty",
                "[1, 2]|JSON, but not a record of licensing-call timeouts",
            })
    void aDamagedRecordIsNamedAndSaidDamagedInOneShortLine(String content, String why) throws Exception {
        Path file = Files.writeString(dir.resolve(CallTimeoutsFile.NAME), content + "\n");

        Finding f = LicensingCallsCheck.check(dir, NOW, false).orElseThrow();

        // Before: "Unexpected character ('{' (code 123)): was expecting double-quote ...\n at [Source: REDACTED ...]",
        // then "fix: delete the file", the file never named.
        assertThat(f.verdict()).isEqualTo(Verdict.WARN);
        assertThat(f.detail())
                .isEqualTo(file + " is damaged (" + why + "); the agent does not read it back, and writes a new record"
                        + " over it at its next licensing-call timeout")
                .doesNotContain("\n")
                .doesNotContain("Source");
        assertThat(f.fix())
                .hasValue("delete it to clear this warning: it holds only the count of abandoned licensing" + " calls");
    }

    /** The fix of recent timeouts sent a Linux user of the simulated stack to services.msc. */
    @Test
    void recentTimeoutsOfTheSimulatedStackAreItsInjectedFaultsNotTheSoftwareProtectionService() {
        CallTimeouts hung = new CallTimeouts(
                NOW.minus(Duration.ofHours(2)),
                Duration.ofSeconds(60),
                Duration.ofSeconds(120),
                3,
                1,
                Map.of("licenseState", 3L),
                Optional.of("licenseState"),
                Optional.of(NOW.minus(Duration.ofMinutes(5))));

        Finding simulated = LicensingCallsCheck.finding(Optional.of(hung), "data", NOW, true)
                .orElseThrow();
        Finding windows = LicensingCallsCheck.finding(Optional.of(hung), "data", NOW, false)
                .orElseThrow();

        assertThat(simulated.verdict()).isEqualTo(Verdict.WARN);
        assertThat(simulated.fix())
                .hasValueSatisfying(
                        fix -> assertThat(fix).contains("simulated.faults").doesNotContain("sppsvc", "services.msc"));
        assertThat(windows.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("sppsvc", "services.msc"));
    }
}
