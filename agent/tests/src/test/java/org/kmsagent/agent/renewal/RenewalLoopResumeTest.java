package org.kmsagent.agent.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.ACTIVATED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.ACTIVATION_FAILED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.RENEWAL_FAILED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.RENEWED;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.testsupport.TestFamilies;

/** A loop started again from a stored schedule (a restarted agent) and an administrator's "activate now". */
class RenewalLoopResumeTest {
    private static final String SERVER = "Windows Server 2019 Standard";

    /** Five servers activate at T0 (the fifth brings the count to the threshold, docs/kms-rules.md §1.5). */
    private static LoopHarness fiveServersActivated() {
        LoopHarness h = new LoopHarness();
        for (int i = 0; i < 5; i++) {
            h.server(i);
        }
        h.runFor(Duration.ofMinutes(1));
        assertThat(h.of("srv-4", ACTIVATED)).hasSize(1);
        return h;
    }

    private static RenewalLoop loopFor(LoopHarness h, SimulatedMachine m) {
        LoadedFamily f = TestFamilies.byId("windows-server");
        return new RenewalLoop(
                h.scheduler,
                f,
                m,
                f.catalog().byName(SERVER).orElseThrow().skuId().orElseThrow(),
                MakFallbackPolicy.OFF,
                h.events::add);
    }

    @Test
    void aResumedLoopMakesItsFirstAttemptAtTheStoredTimeNotAtOnce() {
        LoopHarness h = fiveServersActivated();
        SimulatedMachine srv = h.machines.get("srv-4");
        // The agent stops (its loops with it) a day later, having stored the next renewal a week after T0.
        Instant stored = LoopHarness.T0.plus(Duration.ofMinutes(10_080));
        h.runUntil(Duration.ofDays(1));
        h.events.clear();
        // A new agent's loop over the same machine: nothing is attempted before the stored time.
        RenewalLoop resumed = loopFor(h, srv);
        resumed.resume(stored);
        h.runUntil(Duration.ofDays(7).minusMinutes(1));
        assertThat(resumed.attempts()).isZero();
        assertThat(resumed.nextAttempt()).isEqualTo(stored);
        h.runUntil(Duration.ofDays(7).plusMinutes(1));
        assertThat(resumed.attempts()).isEqualTo(1);
        assertThat(h.events)
                .filteredOn(e -> e.machine().equals("srv-4") && e.kind() == RENEWED)
                .extracting(RenewalEvent::time)
                .contains(stored);
    }

    @Test
    void aStoredTimeAlreadyPastIsAttemptedAtOnce() {
        LoopHarness h = new LoopHarness();
        SimulatedMachine pc = h.machine("pc-1", Duration.ZERO);
        h.start(pc, "windows-server", SERVER, MakFallbackPolicy.OFF).stop();
        RenewalLoop resumed = loopFor(h, pc);
        resumed.resume(LoopHarness.T0.minus(Duration.ofHours(3)));
        h.runFor(Duration.ofSeconds(1));
        assertThat(resumed.attempts()).isEqualTo(1);
        assertThat(h.of("pc-1", ACTIVATION_FAILED)).isNotEmpty();
    }

    @Test
    void attemptNowAttemptsOnceAndReschedulesFromItsResult() {
        LoopHarness h = fiveServersActivated();
        RenewalLoop loop = loopFor(h, h.machines.get("srv-0"));
        loop.resume(LoopHarness.T0.plus(Duration.ofDays(7)));
        h.runUntil(Duration.ofDays(2));
        assertThat(loop.attempts()).isZero();

        assertThat(loop.attemptNow()).isTrue();
        assertThat(loop.attempts()).isEqualTo(1);
        Instant now = h.scheduler.now();
        // A renewal succeeded: the next one is a renewal interval (7 days, docs/kms-rules.md §2.1) from now, and the
        // old
        // timer is gone (no attempt at the previously stored time).
        assertThat(loop.nextAttempt()).isEqualTo(now.plus(Duration.ofMinutes(10_080)));
        h.runUntil(Duration.ofDays(8));
        assertThat(loop.attempts()).isEqualTo(1);
        assertThat(h.of("srv-0", RENEWAL_FAILED)).isEmpty();
        loop.stop();
        assertThat(loop.attemptNow()).isFalse();
    }
}
