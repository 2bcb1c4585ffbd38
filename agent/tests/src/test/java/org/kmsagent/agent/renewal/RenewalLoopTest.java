package org.kmsagent.agent.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.renewal.LoopHarness.T0;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.ACTIVATED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.ACTIVATION_FAILED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.EXPIRED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.GRACE_EXPIRED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.MAK_ACTIVATED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.RENEWAL_FAILED;
import static org.kmsagent.agent.renewal.RenewalEvent.Kind.RENEWED;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingStack;

/** The renewal rules of docs/kms-rules.md §2.1–§2.4 on small exact timelines. */
class RenewalLoopTest {
    private static final String SERVER = "Windows Server 2019 Standard";

    private static Duration days(long d) {
        return Duration.ofDays(d);
    }

    private static Duration hours(long h) {
        return Duration.ofHours(h);
    }

    /** Five servers arrive at T0: srv-5 reaches the threshold itself and activates at once. */
    private static LoopHarness fiveServers(LoopHarness h) {
        for (int i = 1; i <= 5; i++) {
            h.server(i);
        }
        h.runFor(Duration.ZERO);
        return h;
    }

    @Test
    void unactivatedClientRetriesEveryTwoHoursAndEntersNotificationExactlyThirtyDaysAfterInstall() throws Exception {
        LoopHarness h = new LoopHarness();
        SimulatedMachine pc = h.machine("pc-1", Duration.ZERO);
        h.start(pc, "windows-client", "Windows 10 Enterprise", MakFallbackPolicy.OFF);

        h.runUntil(days(30).minusMillis(1));
        LicenseState justBefore = LoopHarness.state(pc, "windows-client", "Windows 10 Enterprise");
        assertThat(justBefore.status()).isEqualTo(LicenseStatus.INITIAL_GRACE);
        assertThat(justBefore.graceRemaining()).isEqualTo(Duration.ofMillis(1));
        assertThat(h.times("pc-1", ACTIVATION_FAILED)).startsWith(Duration.ZERO, hours(2), hours(4));

        h.runUntil(days(31));
        assertThat(h.times("pc-1", GRACE_EXPIRED)).containsExactly(days(30));
        assertThat(LoopHarness.state(pc, "windows-client", "Windows 10 Enterprise")
                        .status())
                .isEqualTo(LicenseStatus.NOTIFICATION);
        // It keeps trying in notification, still every 2 hours.
        assertThat(h.times("pc-1", ACTIVATION_FAILED)).contains(days(30), days(30).plusHours(2));
        assertThat(h.of("pc-1", ACTIVATION_FAILED)
                        .get(0)
                        .diagnosis()
                        .orElseThrow()
                        .missing())
                .hasValue(24);
    }

    @Test
    void requesterThatBringsTheCountToTheThresholdActivatesOnItsOwnRequest() {
        LoopHarness h = fiveServers(new LoopHarness());
        assertThat(h.times("srv-4", ACTIVATION_FAILED)).containsExactly(Duration.ZERO);
        assertThat(h.of("srv-4", ACTIVATION_FAILED).get(0).count()).hasValue(4);
        assertThat(h.times("srv-5", ACTIVATED)).containsExactly(Duration.ZERO);
        assertThat(h.of("srv-5", ACTIVATED).get(0).count()).hasValue(5);
        h.runUntil(hours(2));
        assertThat(h.times("srv-1", ACTIVATED)).containsExactly(hours(2));
    }

    @Test
    void activationLapsesExactly180DaysAfterTheLastSuccessThenGraceThenNotification() throws Exception {
        LoopHarness h = new LoopHarness();
        h.world.network().addOutage(LoopHarness.HOST, T0.plus(hours(1)), T0.plus(days(400)));
        fiveServers(h);

        h.runUntil(days(180).minusMillis(1));
        assertThat(h.of("srv-5", EXPIRED)).isEmpty();
        h.runUntil(days(240));

        assertThat(h.times("srv-5", EXPIRED)).containsExactly(days(180));
        assertThat(h.of("srv-5", EXPIRED).get(0).hresult().orElseThrow().hex()).isEqualTo("0x4004F00D");
        // Out-of-tolerance grace of the family's length (30 days), then notification.
        assertThat(h.times("srv-5", GRACE_EXPIRED)).containsExactly(days(210));
    }

    @Test
    void eachRenewalComesOneRenewalIntervalLaterAndRestartsThe180Days() throws Exception {
        LoopHarness h = fiveServers(new LoopHarness());
        h.runUntil(days(15));

        assertThat(h.times("srv-5", RENEWED)).containsExactly(days(7), days(14));
        LicenseState st = stateOf(h, 5);
        assertThat(st.validUntil()).contains(T0.plus(days(14)).plus(days(180)));
    }

    @Test
    void failedRenewalKeepsTheOldValidityAndRetriesEveryTwoHoursUntilItSucceeds() throws Exception {
        LoopHarness h = new LoopHarness();
        h.world
                .network()
                .addOutage(LoopHarness.HOST, T0.plus(days(6)), T0.plus(days(7)).plus(hours(5)));
        fiveServers(h);

        h.runUntil(days(7).plusHours(3));
        assertThat(h.times("srv-5", RENEWAL_FAILED)).containsExactly(days(7), days(7).plusHours(2));
        RenewalEvent failed = h.of("srv-5", RENEWAL_FAILED).get(0);
        assertThat(failed.hresult().orElseThrow().hex()).isEqualTo("0xC004F074");
        assertThat(failed.diagnosis().orElseThrow().cause()).isEqualTo(Cause.HOST_UNREACHABLE);
        LicenseState during = stateOf(h, 5);
        assertThat(during.status()).isEqualTo(LicenseStatus.LICENSED);
        assertThat(during.validUntil()).contains(T0.plus(days(180)));

        h.runUntil(days(8));
        assertThat(h.times("srv-5", RENEWAL_FAILED)).hasSize(3);
        assertThat(h.times("srv-5", RENEWED)).containsExactly(days(7).plusHours(6));
        assertThat(stateOf(h, 5).validUntil())
                .contains(T0.plus(days(7)).plus(hours(6)).plus(days(180)));
    }

    @Test
    void clientUsesItsDefaultIntervalsUntilAHostAnswersThenTheHostsIntervals() {
        LoopHarness h = new LoopHarness(Duration.ofMinutes(30), Duration.ofDays(1), true);
        h.start(h.machine("pc-1", Duration.ZERO), "windows-client", "Windows 10 Enterprise", MakFallbackPolicy.OFF);
        fiveServers(h);
        h.runUntil(days(2).plusMinutes(1));

        assertThat(h.times("pc-1", ACTIVATION_FAILED))
                .startsWith(Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(60));
        assertThat(h.times("srv-5", RENEWED)).containsExactly(days(1), days(2));

        LoopHarness unreachable = new LoopHarness(Duration.ofMinutes(30), Duration.ofDays(1), true);
        unreachable.world.network().addOutage(LoopHarness.HOST, T0, T0.plus(days(10)));
        unreachable.start(
                unreachable.machine("pc-2", Duration.ZERO),
                "windows-client",
                "Windows 10 Enterprise",
                MakFallbackPolicy.OFF);
        unreachable.runUntil(hours(5));
        assertThat(unreachable.times("pc-2", ACTIVATION_FAILED)).containsExactly(Duration.ZERO, hours(2), hours(4));
    }

    @Test
    void clockSkewOfFourHoursIsAcceptedButMoreIsRefusedAndReportedAsNoHostContacted() {
        LoopHarness h = new LoopHarness();
        h.start(h.machine("ahead-4h", hours(4)), "windows-server", SERVER, MakFallbackPolicy.OFF);
        h.start(h.machine("behind-4h", hours(-4)), "windows-server", SERVER, MakFallbackPolicy.OFF);
        h.start(h.machine("ahead-4h1m", hours(4).plusMinutes(1)), "windows-server", SERVER, MakFallbackPolicy.OFF);
        h.start(h.machine("behind-4h1m", hours(-4).minusMinutes(1)), "windows-server", SERVER, MakFallbackPolicy.OFF);
        h.start(h.machine("ahead-4h30s", hours(4).plusSeconds(30)), "windows-server", SERVER, MakFallbackPolicy.OFF);
        h.start(h.machine("ahead-4h1ms", hours(4).plusMillis(1)), "windows-server", SERVER, MakFallbackPolicy.OFF);
        h.runFor(Duration.ZERO);

        assertThat(h.of("ahead-4h", ACTIVATION_FAILED).get(0).count()).hasValue(1);
        assertThat(h.of("behind-4h", ACTIVATION_FAILED).get(0).count()).hasValue(2);
        for (String m : new String[] {"ahead-4h1m", "behind-4h1m", "ahead-4h30s", "ahead-4h1ms"}) {
            RenewalEvent e = h.of(m, ACTIVATION_FAILED).get(0);
            assertThat(e.hresult().orElseThrow().hex()).isEqualTo("0xC004F074");
            assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.CLOCK_SKEW);
            assertThat(e.count()).isEmpty();
            // The host answered (it refused the clock): it is named, as the detail names it.
            assertThat(e.host()).hasValue(LoopHarness.HOST);
        }
        // By how much the clock is over the limit, however little: '+4h' beside 'limit 4h' read as accepted.
        assertThat(h.of("ahead-4h30s", ACTIVATION_FAILED)
                        .get(0)
                        .diagnosis()
                        .orElseThrow()
                        .detail())
                .isEqualTo("clock +4h 30s against " + LoopHarness.HOST + " (limit 4h either way)");
        assertThat(h.of("behind-4h1m", ACTIVATION_FAILED)
                        .get(0)
                        .diagnosis()
                        .orElseThrow()
                        .detail())
                .isEqualTo("clock -4h 1m against " + LoopHarness.HOST + " (limit 4h either way)");
        assertThat(h.of("ahead-4h1ms", ACTIVATION_FAILED)
                        .get(0)
                        .diagnosis()
                        .orElseThrow()
                        .detail())
                .startsWith("clock +4h 0.001s against ");
    }

    @Test
    void aHostThatDoesNotAnswerIsNamedInTheFailureAsInItsDetail() {
        LoopHarness h = new LoopHarness();
        h.world.network().addOutage(LoopHarness.HOST, T0, T0.plus(days(10)));
        h.start(h.machine("pc-1", Duration.ZERO), "windows-client", "Windows 10 Enterprise", MakFallbackPolicy.OFF);
        h.runFor(Duration.ZERO);

        RenewalEvent e = h.of("pc-1", ACTIVATION_FAILED).get(0);
        assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.HOST_UNREACHABLE);
        assertThat(e.diagnosis().orElseThrow().detail()).contains(LoopHarness.HOST);
        assertThat(e.host()).hasValue(LoopHarness.HOST);
        assertThat(e.count()).isEmpty();
    }

    @Test
    void makFallbackInstallsTheMakAfterTheConfiguredDaysOfCountRefusalsAndStops() {
        LoopHarness h = new LoopHarness();
        var mak = LoopHarness.key("BCDFG-HJKMP-QRTVW-XY234-6789B");
        var office = TestFamilies.byId("office2013");
        Set<UUID> skus = new HashSet<>();
        office.catalog().skus().forEach(s -> s.skuId().ifPresent(skus::add));
        h.world.microsoft().register(mak, skus, 5);
        RenewalLoop withPolicy = h.start(
                h.machine("pc-mak", Duration.ZERO),
                "office2013",
                "Office 2013 Professional Plus",
                MakFallbackPolicy.after(days(1), mak));
        h.start(
                h.machine("pc-default", Duration.ZERO),
                "office2013",
                "Office 2013 Professional Plus",
                MakFallbackPolicy.OFF);
        h.runUntil(days(3));

        assertThat(h.times("pc-mak", MAK_ACTIVATED)).containsExactly(days(1));
        // Refused at 0 h, 2 h, ... 24 h; the refusal at 24 h completes the day and the MAK goes in at that moment.
        assertThat(h.of("pc-mak", ACTIVATION_FAILED)).hasSize(13);
        assertThat(h.where(e -> e.machine().equals("pc-mak") && e.time().isAfter(T0.plus(days(1)))))
                .isEmpty();
        assertThat(withPolicy.finished()).isTrue();
        assertThat(h.world.microsoft().remaining(mak)).isEqualTo(4);
        assertThat(h.where(
                        e -> e.machine().equals("pc-default") && e.kind().name().startsWith("MAK")))
                .isEmpty();
    }

    @Test
    void anOutageBetweenCountRefusalsStartsTheMakFallbacksWaitAgain() {
        LoopHarness h = new LoopHarness();
        var mak = LoopHarness.key("BCDFG-HJKMP-QRTVW-XY234-6789B");
        Set<UUID> skus = new HashSet<>();
        TestFamilies.byId("office2013").catalog().skus().forEach(s -> s.skuId().ifPresent(skus::add));
        h.world.microsoft().register(mak, skus, 5);
        // Refused for its count at 0 h, then the host is down from 1 h to day 3.
        h.world.network().addOutage(LoopHarness.HOST, T0.plus(Duration.ofHours(1)), T0.plus(days(3)));
        h.start(
                h.machine("pc-mak", Duration.ZERO),
                "office2013",
                "Office 2013 Professional Plus",
                MakFallbackPolicy.after(days(1), mak));
        h.runUntil(days(5));

        // Not at day 3, when the host came back after a single count refusal: a day of refusals from then on.
        assertThat(h.times("pc-mak", MAK_ACTIVATED))
                .singleElement()
                .satisfies(t -> assertThat(t).isGreaterThanOrEqualTo(days(4)));
        assertThat(h.world.microsoft().remaining(mak)).isEqualTo(4);
    }

    @Test
    void missingSrvRecordIsDiagnosedWhileAPinnedHostStillWorks() throws Exception {
        LoopHarness h = new LoopHarness(Duration.ofMinutes(120), Duration.ofDays(7), false);
        h.start(h.machine("dns-pc", Duration.ZERO), "windows-client", "Windows 10 Enterprise", MakFallbackPolicy.OFF);
        SimulatedMachine pinned = h.machine("pinned-pc", Duration.ZERO);
        h.start(pinned, "windows-client", "Windows 10 Pro", MakFallbackPolicy.OFF);
        var f = TestFamilies.byId("windows-client");
        var sku = f.catalog().byName("Windows 10 Pro").orElseThrow();
        // Pin before the first attempt runs (the loop's first attempt is scheduled for now).
        pinned.setKmsEndpoint(
                LoopHarness.product(f, sku, pinned).service(), sku.skuId().orElseThrow(), LoopHarness.pinned());
        h.runFor(Duration.ZERO);

        RenewalEvent noSrv = h.of("dns-pc", ACTIVATION_FAILED).get(0);
        assertThat(noSrv.hresult().orElseThrow().hex()).isEqualTo("0x8007232B");
        assertThat(noSrv.diagnosis().orElseThrow().cause()).isEqualTo(Cause.NO_SRV_RECORD);
        assertThat(h.of("pinned-pc", ACTIVATION_FAILED).get(0).count()).hasValue(1);
    }

    @Test
    void stoppedLoopMakesNoMoreAttempts() {
        LoopHarness h = new LoopHarness();
        RenewalLoop loop = h.start(
                h.machine("leaver", Duration.ZERO), "windows-client", "Windows 10 Enterprise", MakFallbackPolicy.OFF);
        h.runUntil(hours(3));
        loop.stop();
        h.runUntil(days(2));
        assertThat(h.times("leaver", ACTIVATION_FAILED)).containsExactly(Duration.ZERO, hours(2));
        assertThat(h.of("leaver", RenewalEvent.Kind.STOPPED)).hasSize(1);
    }

    @Test
    void aFailingPluginIsReportedAndRetriedWhileTheMachinesOtherProductsCarryOn() {
        LoopHarness h = new LoopHarness();
        var server = TestFamilies.byId("windows-server");
        var faulty = TestFamilies.withHandler(server, new ActivationHandler() {
            @Override
            public ActivationResult activate(LicensingStack stack, InstalledProduct product) {
                throw new IllegalStateException("bug in the plugin");
            }
        });
        SimulatedMachine m = h.machine("both", Duration.ZERO);
        var sku = server.catalog().byName(SERVER).orElseThrow();
        m.install(LoopHarness.product(faulty, sku, m), Optional.of(sku.gvlk()));
        new RenewalLoop(h.scheduler, faulty, m, sku.skuId().orElseThrow(), MakFallbackPolicy.OFF, h.events::add)
                .start();
        h.start(m, "windows-client", "Windows 10 Enterprise", MakFallbackPolicy.OFF);
        h.runUntil(hours(3));

        var failures = h.where(e -> e.family().equals("windows-server"));
        assertThat(failures).extracting(e -> Duration.between(T0, e.time())).containsExactly(Duration.ZERO, hours(2));
        assertThat(failures.get(0).diagnosis().orElseThrow().cause()).isEqualTo(Cause.PLUGIN_FAILED);
        assertThat(failures.get(0).diagnosis().orElseThrow().detail()).contains("windows-server", "bug in the plugin");
        assertThat(h.where(e -> e.family().equals("windows-client")))
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.count()).hasValue(1));
    }

    private static LicenseState stateOf(LoopHarness h, int n) throws Exception {
        return LoopHarness.state(h.machines.get("srv-" + n), "windows-server", SERVER);
    }
}
