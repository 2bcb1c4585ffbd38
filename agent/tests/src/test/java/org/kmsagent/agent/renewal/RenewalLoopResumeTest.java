package org.kmsagent.agent.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.ACTIVATED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.ACTIVATION_FAILED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.RENEWAL_FAILED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.RENEWED;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.licensing.ForwardingStack;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedProduct;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.Sku;

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

    /** Windows Server 2019 Standard of {@code f} installed with its GVLK on {@code m}, as the agent finds it. */
    private static SimulatedProduct installedServer(LoadedFamily f, SimulatedMachine m) throws LicensingException {
        Sku sku = f.catalog().byName(SERVER).orElseThrow();
        SimulatedProduct p = LoopHarness.product(f, sku, m);
        m.install(p, Optional.of(sku.gvlk()));
        return p;
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
        RenewalLoop loop = loopFor(h, h.machines.get("srv-4"));
        loop.resume(LoopHarness.T0.plus(Duration.ofDays(7)));
        h.runUntil(Duration.ofDays(2));
        assertThat(loop.attempts()).isZero();

        assertThat(loop.attemptNow()).isTrue();
        assertThat(loop.attempts()).isEqualTo(1);
        Instant now = h.scheduler.now();
        // A renewal succeeded: the next one is a renewal interval (7 days, docs/kms-rules.md §2.1) from now, and the
        // old timer is gone (no attempt at the previously stored time).
        assertThat(loop.nextAttempt()).isEqualTo(now.plus(Duration.ofMinutes(10_080)));
        h.runUntil(Duration.ofDays(8));
        assertThat(loop.attempts()).isEqualTo(1);
        assertThat(h.of("srv-4", RENEWAL_FAILED)).isEmpty();
        loop.stop();
        assertThat(loop.attemptNow()).isFalse();
    }

    @Test
    void aStoredTimeFurtherAheadThanOneIntervalIsNotWaitedFor() {
        // state.json written while the machine's clock ran a year ahead, the clock corrected since: the loop waited the
        // year, and the activation lapsed at 180 days with no attempt.
        LoopHarness h = new LoopHarness();
        RenewalLoop[] first = new RenewalLoop[5];
        for (int i = 0; i < 5; i++) {
            first[i] = h.server(i);
        }
        h.runFor(Duration.ofMinutes(1));
        for (RenewalLoop loop : first) {
            loop.stop(); // the agent stops
        }
        h.events.clear();
        RenewalLoop licensed = loopFor(h, h.machines.get("srv-4"));
        licensed.resume(LoopHarness.T0.plus(Duration.ofDays(365)));
        RenewalLoop refused = loopFor(h, h.machines.get("srv-0")); // still in grace: it retries every 2 hours
        refused.resume(LoopHarness.T0.plus(Duration.ofDays(365)));

        h.runUntil(Duration.ofDays(20));

        // Renewed a week after the restart, and a week later again (the year ahead was waited for before).
        assertThat(h.times("srv-4", RENEWED))
                .startsWith(
                        Duration.ofMinutes(1).plusDays(7), Duration.ofMinutes(1).plusDays(14));
        assertThat(h.times("srv-0", ACTIVATED, ACTIVATION_FAILED))
                .first()
                .isEqualTo(Duration.ofMinutes(1).plusHours(2));
    }

    @Test
    void aProductLicensedForGoodIsReadAgainAndActivatedOnceItIsBackOnKms() throws Exception {
        // A MAK or retail licence has nothing to renew, and the loop kept no timer: put back on its GVLK (ctl
        // install-gvlk), the product sat in grace until the agent restarted.
        LoopHarness h = new LoopHarness();
        boolean[] forGood = {true};
        RenewalLoop loop = startedLicensedForGoodWhile(h, forGood);
        h.runFor(Duration.ofDays(1));
        assertThat(loop.attempts()).as("nothing to activate or renew").isZero();

        forGood[0] = false; // back on its GVLK, in grace
        h.runFor(Duration.ofDays(7));

        assertThat(loop.attempts()).isPositive();
        assertThat(h.of("srv-1", ACTIVATION_FAILED, ACTIVATED)).isNotEmpty();
    }

    @Test
    void aKeyInstalledByAnAdministratorIsActivatedAtOnceNotAtTheNextRead() throws Exception {
        // ctl install-gvlk on a product licensed for good: before, the loop found out at its next read, up to the
        // renewal interval (7 days) later, the product in grace meanwhile.
        LoopHarness h = new LoopHarness();
        boolean[] forGood = {true};
        RenewalLoop loop = startedLicensedForGoodWhile(h, forGood);
        h.runFor(Duration.ofHours(1));
        loop.keyChanged();
        assertThat(loop.attempts())
                .as("licensed for good: the new read finds nothing to do")
                .isZero();

        forGood[0] = false; // the administrator put it back on its GVLK: in grace
        loop.keyChanged();

        assertThat(loop.attempts())
                .as("attempted at the install, no time passed")
                .isEqualTo(1);
        assertThat(h.of("srv-1", ACTIVATION_FAILED, ACTIVATED)).hasSize(1);
        assertThat(loop.nextAttempt()).isAfter(h.scheduler.now());
    }

    @Test
    void aPluginThatAnswersItsStatusWithNullIsRetriedNotLeft() throws Exception {
        // The loop took the null as "read nothing" and set no timer: the product was never tried again.
        LoopHarness h = new LoopHarness();
        int[] calls = {0};
        ActivationHandler answersNullOnce = new ActivationHandler() {
            @Override
            public LicenseState status(LicensingStack stack, InstalledProduct product) throws LicensingException {
                calls[0]++;
                return calls[0] == 1 ? null : stack.licenseState(product.service(), product.skuId());
            }
        };
        LoadedFamily f = TestFamilies.withHandler(TestFamilies.byId("windows-server"), answersNullOnce);
        SimulatedMachine m = h.machine("srv-1", Duration.ZERO);
        SimulatedProduct p = installedServer(f, m);
        RenewalLoop loop = new RenewalLoop(h.scheduler, f, m, p.skuId(), MakFallbackPolicy.OFF, h.events::add);
        loop.start();

        h.runFor(Duration.ofDays(1));

        assertThat(loop.finished()).isFalse();
        assertThat(loop.attempts()).isPositive();
        assertThat(h.events)
                .anySatisfy(e -> assertThat(e.diagnosis().map(Object::toString).orElse(""))
                        .contains("status() answered null"));
    }

    @Test
    void anAttemptNowThatCouldNotReadTheProductShowsWhenItTriesAgain() throws Exception {
        // ctl activate while the licensing service was busy answered "tries again at" the very second of the request,
        // and ctl status showed that time, already past, as the next attempt.
        LoopHarness h = new LoopHarness();
        SimulatedMachine m = h.machine("srv-1", Duration.ZERO);
        LoadedFamily f = TestFamilies.byId("windows-server");
        SimulatedProduct p = installedServer(f, m);
        boolean[] busy = {false};
        LicensingStack stack = new ForwardingStack(m) {
            @Override
            public LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException {
                if (busy[0]) {
                    throw new LicensingException(HResult.of(0x80041045), "WMI is busy");
                }
                return super.licenseState(service, skuId);
            }
        };
        RenewalLoop loop = new RenewalLoop(h.scheduler, f, stack, p.skuId(), MakFallbackPolicy.OFF, h.events::add);
        loop.start();
        h.runFor(Duration.ofMinutes(10));

        busy[0] = true;
        assertThat(loop.attemptNow()).isFalse();

        assertThat(loop.finished()).isFalse();
        assertThat(loop.nextAttempt()).isAfter(h.scheduler.now());
        busy[0] = false;
        int before = loop.attempts();
        h.runFor(Duration.ofHours(2));
        assertThat(loop.attempts()).isGreaterThan(before);
    }

    /** A started loop for server srv-1, whose stack reports a licence for good while {@code forGood[0]}. */
    private static RenewalLoop startedLicensedForGoodWhile(LoopHarness h, boolean[] forGood) throws Exception {
        SimulatedMachine m = h.machine("srv-1", Duration.ZERO);
        LoadedFamily f = TestFamilies.byId("windows-server");
        SimulatedProduct p = installedServer(f, m);
        RenewalLoop loop = new RenewalLoop(
                h.scheduler, f, licensedForGoodWhile(m, forGood), p.skuId(), MakFallbackPolicy.OFF, h.events::add);
        loop.start();
        return loop;
    }

    /** The machine's stack, reporting a licence for good (a MAK's or retail's: no expiry) while {@code forGood[0]}. */
    private static LicensingStack licensedForGoodWhile(SimulatedMachine m, boolean[] forGood) {
        return new ForwardingStack(m) {
            @Override
            public LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException {
                LicenseState real = super.licenseState(service, skuId);
                return forGood[0]
                        ? new LicenseState(
                                real.skuId(),
                                LicenseStatus.LICENSED,
                                Duration.ZERO,
                                HResult.S_OK,
                                Optional.empty(),
                                real.kmsEndpoint(),
                                Optional.empty(),
                                real.activationInterval(),
                                real.renewalInterval(),
                                Optional.empty())
                        : real;
            }
        };
    }
}
