package org.kmsagent.agent.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedWorld;
import org.kmsagent.agent.renewal.Faults;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.WindowsVersion;

/** A licensing call that never returns is abandoned at its deadline; the caller carries on. */
class DeadlineStackTest {
    @Test
    void aHungCallIsAbandonedAtItsDeadlineAndReportedAsTimedOut() {
        VirtualClockScheduler clock = new VirtualClockScheduler(Instant.parse("2026-03-02T09:00:00Z"));
        SimulatedMachine m = new SimulatedMachine(
                "pc-1",
                "corp.example",
                WindowsVersion.WINDOWS_10,
                UUID.randomUUID(),
                Duration.ZERO,
                new SimulatedWorld(clock),
                new SplittableRandom(1));
        FaultyStack hangs = new FaultyStack(
                m,
                new FaultyStack.Plan(0, 1.0, EnumSet.allOf(FaultyStack.Kind.class), Optional.empty()),
                new SplittableRandom(1),
                clock::now,
                FaultyStack.HangMode.BLOCK,
                Duration.ofMinutes(10));
        DeadlineStack stack = new DeadlineStack(hangs, Duration.ofMillis(200), Duration.ofMillis(200));
        try {
            long began = System.nanoTime();
            assertThatThrownBy(() -> stack.licenseState(LicensingService.SPP, UUID.randomUUID()))
                    .isInstanceOfSatisfying(LicensingException.class, e -> {
                        assertThat(e.hresult()).isEqualTo(Faults.CALL_TIMED_OUT);
                        assertThat(e.getMessage())
                                .contains("licenseState on pc-1 did not return within 200 ms; abandoned");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(30));
            assertThat(stack.timedOut()).isEqualTo(1);
            assertThat(stack.stillHung()).isEqualTo(1);
            assertThat(stack.describe()).contains("1 abandoned since start, 1 still not returned");
            for (int i = 0; i < DeadlineStack.MAX_ABANDONED; i++) {
                assertThatThrownBy(() -> stack.licenseState(LicensingService.SPP, UUID.randomUUID()))
                        .isInstanceOf(LicensingException.class);
            }
            // With MAX_ABANDONED calls stuck, new ones fail at once without another thread.
            assertThat(stack.stillHung()).isEqualTo(DeadlineStack.MAX_ABANDONED);
            assertThatThrownBy(() -> stack.licenseState(LicensingService.SPP, UUID.randomUUID()))
                    .hasMessageContaining("not started: 4 earlier licensing calls still have not returned");
        } finally {
            hangs.release();
            stack.close();
        }
    }

    @Test
    void abandonedCallsAreCountedPerCallAndRecordedWhereDoctorReadsThem(@TempDir Path dataDir) throws Exception {
        VirtualClockScheduler clock = new VirtualClockScheduler(Instant.parse("2026-03-02T09:00:00Z"));
        SimulatedMachine m = new SimulatedMachine(
                "pc-1",
                "corp.example",
                WindowsVersion.WINDOWS_10,
                UUID.randomUUID(),
                Duration.ZERO,
                new SimulatedWorld(clock),
                new SplittableRandom(1));
        FaultyStack hangs = new FaultyStack(
                m,
                new FaultyStack.Plan(0, 1.0, EnumSet.allOf(FaultyStack.Kind.class), Optional.empty()),
                new SplittableRandom(1),
                clock::now,
                FaultyStack.HangMode.BLOCK,
                Duration.ofMinutes(10));
        DeadlineStack stack = new DeadlineStack(hangs, Duration.ofMillis(100), Duration.ofMillis(100), clock::now);
        stack.onTimeout(t -> {
            try {
                CallTimeoutsFile.write(dataDir, t);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            assertThat(CallTimeoutsFile.read(dataDir)).isEmpty();
            assertThatThrownBy(() -> stack.licenseState(LicensingService.SPP, UUID.randomUUID()))
                    .isInstanceOf(LicensingException.class);
            clock.runUntil(clock.now().plus(Duration.ofMinutes(5)));
            assertThatThrownBy(() -> stack.licenseState(LicensingService.SPP, UUID.randomUUID()))
                    .isInstanceOf(LicensingException.class);
            clock.runUntil(clock.now().plus(Duration.ofMinutes(5)));
            assertThatThrownBy(() -> stack.activate(LicensingService.SPP, UUID.randomUUID()))
                    .isInstanceOf(LicensingException.class);

            CallTimeouts t = stack.timeouts();
            assertThat(t.timedOut()).isEqualTo(3);
            assertThat(t.byCall()).containsExactly(Map.entry("activate", 1L), Map.entry("licenseState", 2L));
            assertThat(t.perCall()).isEqualTo("licenseState 2, activate 1");
            assertThat(t.lastCall()).hasValue("activate");
            assertThat(t.lastAt()).hasValue(Instant.parse("2026-03-02T09:10:00Z"));
            assertThat(t.since()).isEqualTo(Instant.parse("2026-03-02T09:00:00Z"));
            assertThat(CallTimeoutsFile.read(dataDir)).hasValue(t);
        } finally {
            hangs.release();
            stack.close();
        }
    }
}
