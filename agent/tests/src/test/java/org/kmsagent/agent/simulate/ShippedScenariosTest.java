package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/** Each scenario in scenarios/ shows the behaviour it is named after. */
class ShippedScenariosTest {

    private record Result(Scenario scenario, List<LabEvent> events, LabSummary summary) {
        List<LabEvent> where(Predicate<LabEvent> p) {
            return events.stream().filter(p).toList();
        }

        Duration at(LabEvent e) {
            return Duration.between(scenario.start(), e.time());
        }
    }

    private static Result run(String file) throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all()).read(LabFixtures.scenario(file));
        List<LabEvent> events = new ArrayList<>();
        LabSummary summary = new SimulationLab(s, LabFixtures.TEST_HOST, events::add).run((d, t, e) -> {});
        return new Result(s, events, summary);
    }

    /** The machine's events except its arrival and departure. */
    private static Predicate<LabEvent> machine(String name) {
        return e -> e.machine().equals(name) && !e.event().startsWith("machine-");
    }

    private static Predicate<LabEvent> event(String kind) {
        return e -> e.event().equals(kind);
    }

    @Test
    void officeReleasesOnOneHostShareOneCountAndReachTheThresholdTogether() throws Exception {
        Result r = run("office-mixed-releases.yaml");

        // The fifth distinct Office machine is the second LTSC 2021 PC: it activates at count 5, although only two
        // of the five are Office LTSC 2021 and three are Office 2013 (one application id, one count).
        LabEvent fifth = r.where(machine("o21-pc-02").and(event("activated"))).get(0);
        assertThat(fifth.count()).hasValue(5);
        assertThat(r.where(e -> e.machine().startsWith("o13-pc") && e.event().equals("activation-failed")))
                .allSatisfy(e -> assertThat(e.count().getAsInt()).isLessThan(5));
        assertThat(r.summary().row("office", "office2013").licensed()).isEqualTo(3);
        assertThat(r.summary().row("office", "office2021").licensed()).isEqualTo(2);
        assertThat(r.summary().row("office", "office2016").licensed()).isEqualTo(2);
        assertThat(r.summary().lastCount()).containsEntry("office", 7);
    }

    @Test
    void aHostWhoseNewestOfficeKeyIs2019ServesOffice2019AndRefusesLtsc2021AsHostKeyTooOld() throws Exception {
        Result r = run("office-host-key-2019-refuses-ltsc2021.yaml");

        assertThat(r.summary().row("office", "office2019").licensed()).isEqualTo(5);
        assertThat(r.summary().row("office", "office2021").licensed()).isZero();
        List<LabEvent> refusals =
                r.where(e -> e.machine().startsWith("o21-pc") && e.event().equals("activation-failed"));
        assertThat(refusals).isNotEmpty().allSatisfy(e -> {
            assertThat(e.hresult().orElseThrow().hex()).isEqualTo("0xC004F042");
            assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.HOST_KEY_TOO_OLD);
        });
    }

    @Test
    void workedExampleCountsTwoThreeThirteenAndOnlyTheServerActivatesAtItsNextContact() throws Exception {
        Result r = run("worked-example.yaml");

        // Counts as each new machine first asks: 1, 2 (two clients), 3 (the server), then 4 .. 13.
        List<Integer> firstCounts = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (LabEvent e : r.where(event("activation-failed").or(event("activated")))) {
            if (!seen.contains(e.machine())) {
                seen.add(e.machine());
                firstCounts.add(e.count().getAsInt());
            }
        }
        assertThat(firstCounts).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        assertThat(seen.get(1)).isEqualTo("win7-02");
        assertThat(seen.get(2)).isEqualTo("srv2008r2");

        LabEvent serverFirst = r.where(machine("srv2008r2")).get(0);
        assertThat(serverFirst.event()).isEqualTo("activation-failed");
        assertThat(serverFirst.hresult().orElseThrow().hex()).isEqualTo("0xC004F038");
        assertThat(serverFirst.diagnosis().orElseThrow().missing()).hasValue(2);

        // The server arrived at 00:30; its next contact is one activation interval (2 h) later, count 13 >= 5.
        LabEvent serverActivated =
                r.where(machine("srv2008r2").and(event("activated"))).get(0);
        assertThat(r.at(serverActivated)).isEqualTo(Duration.ofMinutes(150));
        assertThat(serverActivated.count()).hasValue(13);

        assertThat(r.where(e -> e.machine().startsWith("win7") && e.event().equals("activated")))
                .isEmpty();
        LabEvent lastClientRefusal = r.where(machine("win7-01").and(event("activation-failed")))
                .get(r.where(machine("win7-01").and(event("activation-failed"))).size() - 1);
        assertThat(lastClientRefusal.diagnosis().orElseThrow().missing()).hasValue(12);
        assertThat(r.summary().row("windows", "windows-client").licensed()).isZero();
        assertThat(r.summary().row("windows", "windows-server").licensed()).isEqualTo(1);
        assertThat(r.summary().lastCount()).containsEntry("windows", 13);
    }

    @Test
    void smallSiteNeverActivatesAndEachPcEntersNotificationExactlyThirtyDaysAfterArriving() throws Exception {
        Result r = run("small-site-under-threshold.yaml");

        assertThat(r.where(event("activated"))).isEmpty();
        for (int i = 1; i <= 8; i++) {
            String pc = String.format("pc-%02d", i);
            LabEvent graceOver =
                    r.where(machine(pc).and(event("grace-expired"))).get(0);
            assertThat(r.at(graceOver)).isEqualTo(Duration.ofDays(30).plusHours(i - 1));
        }
        assertThat(r.summary().row("windows", "windows-client").notification()).isEqualTo(8);
        LabEvent last = r.events().get(r.events().size() - 1);
        assertThat(last.diagnosis().orElseThrow().cause()).isEqualTo(Cause.COUNT_BELOW_THRESHOLD);
        assertThat(last.diagnosis().orElseThrow().missing()).hasValue(17);
    }

    @Test
    void outageLongerThan180DaysLapsesEachActivation180DaysAfterItsLastRenewalThenReactivates() throws Exception {
        Result r = run("host-outage-over-180-days.yaml");
        Duration outageStart = Duration.ofDays(20);

        for (int i = 1; i <= 5; i++) {
            String srv = "srv-0" + i;
            List<LabEvent> successes = r.where(machine(srv)
                    .and(event("activated").or(event("renewed")))
                    .and(e -> r.at(e).compareTo(outageStart) < 0));
            Instant lastSuccess = successes.get(successes.size() - 1).time();
            LabEvent expired = r.where(machine(srv).and(event("expired"))).get(0);
            assertThat(expired.time()).isEqualTo(lastSuccess.plus(Duration.ofDays(180)));
            List<LabEvent> failedRenewals = r.where(machine(srv).and(event("renewal-failed")));
            assertThat(failedRenewals).allSatisfy(e -> {
                assertThat(e.hresult().orElseThrow().hex()).isEqualTo("0xC004F074");
                assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.HOST_UNREACHABLE);
                assertThat(e.host()).hasValue("kms01.corp.example"); // the host that did not answer
            });
            // Failed renewals retry every 2 hours.
            assertThat(Duration.between(
                            failedRenewals.get(0).time(), failedRenewals.get(1).time()))
                    .isEqualTo(Duration.ofHours(2));
            assertThat(r.where(machine(srv)
                            .and(event("activated"))
                            .and(e -> r.at(e).compareTo(Duration.ofDays(220)) >= 0)))
                    .hasSize(1);
        }
        assertThat(r.summary().row("windows", "windows-server").licensed()).isEqualTo(5);
    }

    @Test
    void office2013WithoutItsLicensePackIsRefusedUncountedWhileOffice2010AndWindowsActivate() throws Exception {
        Result r = run("office2013-missing-license-pack.yaml");

        List<LabEvent> office2013 = r.where(e -> e.family().equals("office2013"));
        assertThat(office2013).isNotEmpty().allSatisfy(e -> {
            assertThat(e.event()).isEqualTo("activation-failed");
            assertThat(e.hresult().orElseThrow().hex()).isEqualTo("0xC004F042");
            assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.LICENSE_PACK_MISSING);
            assertThat(e.count()).isEmpty();
        });
        assertThat(r.summary().lastCount()).doesNotContainKey("office2013");
        assertThat(r.summary().row("office2010", "office2010").licensed()).isEqualTo(6);
        assertThat(r.summary().row("windows", "windows-server").licensed()).isEqualTo(6);
        // Office pools are counted apart from Windows: the first Office 2010 request gets 1 although Windows has 18.
        assertThat(r.where(e -> e.family().equals("office2010")).get(0).count()).hasValue(1);
    }

    @Test
    void clonedMachinesShareOneCmidSoTheCountStaysAtOnePlusTheGeneralizedOnes() throws Exception {
        Result r = run("cloned-machines-same-cmid.yaml");

        assertThat(r.where(e -> e.machine().startsWith("clone-") && e.count().isPresent()))
                .allSatisfy(e -> assertThat(e.count().getAsInt()).isLessThanOrEqualTo(4));
        assertThat(r.where(machine("clone-30")).get(0).count()).hasValue(1);
        assertThat(r.summary().lastCount()).containsEntry("windows", 4);
        assertThat(r.where(event("activated"))).isEmpty();
    }

    @Test
    void oldHostKeyRefusesNewerProductsWithoutCountingThem() throws Exception {
        Result r = run("old-host-key.yaml");

        assertThat(r.where(e -> e.machine().startsWith("srv12r2-") && e.event().equals("activated")))
                .hasSize(6);
        List<LabEvent> refused =
                r.where(e -> (e.machine().startsWith("srv19-") || e.machine().startsWith("win10-"))
                        && !e.event().startsWith("machine-"));
        assertThat(refused).isNotEmpty().allSatisfy(e -> {
            assertThat(e.hresult().orElseThrow().hex()).isEqualTo("0xC004F042");
            assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.HOST_KEY_TOO_OLD);
        });
        assertThat(r.summary().lastCount()).containsEntry("windows", 6);
    }

    @Test
    void aServerAskingAHostWithOnlyAClientKeyIsToldItNeedsAServerKeyNotANewerOne() throws Exception {
        Result r = run("client-host-key-asked-by-server.yaml");

        List<LabEvent> server =
                r.where(e -> e.machine().startsWith("srv22-") && !e.event().startsWith("machine-"));
        assertThat(server).isNotEmpty().allSatisfy(e -> {
            assertThat(e.hresult().orElseThrow().hex()).isEqualTo("0xC004F042");
            assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.HOST_KEY_WRONG_CLASS);
            assertThat(e.diagnosis().orElseThrow().detail())
                    .contains("holds only client host keys", "needs a server host key", "Windows 10 client CSVLK");
        });
        // The clients are answered (their count builds), never refused for the key.
        assertThat(r.where(e -> e.machine().startsWith("win10-")
                        && e.hresult().isPresent()
                        && e.hresult().get().hex().equals("0xC004F042")))
                .isEmpty();
    }

    @Test
    void smallSiteFallsBackToMakAfterFourteenDaysOfCountRefusalsUntilTheMakIsUsedUp() throws Exception {
        Result r = run("small-site-mak-fallback.yaml");

        List<LabEvent> mak = r.where(event("mak-activated"));
        assertThat(mak).extracting(LabEvent::machine).containsExactly("pc-01", "pc-02", "pc-03");
        for (LabEvent e : mak) {
            Instant firstRefusal = r.where(
                            machine(e.machine()).and(ev -> ev.family().equals("office2013")))
                    .get(0)
                    .time();
            assertThat(e.time()).isEqualTo(firstRefusal.plus(Duration.ofDays(14)));
        }
        LabEvent exhausted = r.where(event("mak-failed")).get(0);
        assertThat(exhausted.machine()).isEqualTo("pc-04");
        assertThat(exhausted.hresult().orElseThrow().hex()).isEqualTo("0xC004C020");
        assertThat(exhausted.diagnosis().orElseThrow().cause()).isEqualTo(Cause.MAK_EXHAUSTED);
        assertThat(r.summary().row("office", "office2013").viaMak()).isEqualTo(3);
        // Windows has no policy: it never falls back.
        assertThat(r.where(e -> e.family().equals("windows-client") && e.event().startsWith("mak")))
                .isEmpty();
    }
}
