package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * A year of 1,000 machines whose licensing service fails 10% of calls and hangs on 1%, on the virtual clock: no
 * renewal loop gives up, and once the faults stop every product is licensed within one activation interval.
 */
class ChaosSoakTest {
    /** Renewal-loop events that are an activation or renewal attempt (a timed-out attempt included). */
    private static final Set<String> ATTEMPTS =
            Set.of("activated", "activation-failed", "renewed", "renewal-failed", "call-timed-out");

    @Test
    void aYearOfFaultsOnAThousandMachinesLosesNoProductAndEveryLoopGoesOn() throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all()).parse("chaos.yaml", """
        days: 365
        machines:
          - name: pc-{n}
            count: 800
            family: windows-client
            edition: Windows 10 Enterprise
            every: 1m
          - name: srv-{n}
            count: 200
            family: windows-server
            edition: Windows Server 2019 Standard
            every: 3m
        faults:
          rate: 0.1
          hangRate: 0.01
          kinds: [service-not-running, rpc-unavailable, slopen-failed, access-denied, wmi-busy]
          until: 299d 22h
        """, true);
        Instant faultsEnd = s.start().plus(Duration.ofDays(299).plusHours(22));
        Instant oneIntervalLater = faultsEnd.plus(Duration.ofHours(2));
        assertThat(oneIntervalLater).isEqualTo(s.start().plus(Duration.ofDays(300)));

        // Attempts per product per day (events arrive in time order: one day's tallies at a time).
        Map<String, Integer> today = new HashMap<>();
        long[] day = {-1};
        int[] maxPerDay = {0};
        long[] attempts = {0};
        long[] timedOut = {0};
        List<String> ended = new ArrayList<>();
        SimulationLab[] labRef = new SimulationLab[1];
        LabSummary[] atFaultsEnd = new LabSummary[1];
        List<String> endedAtFaultsEnd = new ArrayList<>();
        SimulationLab lab = new SimulationLab(s, LabFixtures.TEST_HOST, e -> {
            if (e.event().equals("product-gone")) {
                ended.add(e.machine() + " " + e.sku());
            }
            if (!ATTEMPTS.contains(e.event())) {
                return;
            }
            if (e.event().equals("call-timed-out")) {
                timedOut[0]++;
            }
            long d = Duration.between(s.start(), e.time()).toDays();
            if (d != day[0]) {
                today.clear();
                day[0] = d;
            }
            attempts[0]++;
            int n = today.merge(e.machine() + "/" + e.sku(), 1, Integer::sum);
            maxPerDay[0] = Math.max(maxPerDay[0], n);
        });
        labRef[0] = lab;
        LabSummary end = lab.run((d, total, events) -> {
            if (d == 300) {
                try {
                    atFaultsEnd[0] = labRef[0].summary();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                endedAtFaultsEnd.addAll(labRef[0].endedLoops());
            }
        });

        long[] faults = lab.faultCounts();
        // The faults were real: about 10% of the calls up to day 300 failed, 1% hung.
        assertThat(faults[1]).isGreaterThan(faults[0] / 20);
        assertThat(faults[2]).isGreaterThan(faults[0] / 400);
        // No loop ended: no product was reported gone, and none finished.
        assertThat(ended).isEmpty();
        assertThat(endedAtFaultsEnd).isEmpty();
        assertThat(lab.endedLoops()).isEmpty();
        // One activation interval after the faults stopped, every product is licensed.
        for (LabSummary summary : List.of(atFaultsEnd[0], end)) {
            LabSummary.Row clients = summary.row("windows", "windows-client");
            LabSummary.Row servers = summary.row("windows", "windows-server");
            assertThat(clients.licensed()).as("clients licensed").isEqualTo(800);
            assertThat(servers.licensed()).as("servers licensed").isEqualTo(200);
        }
        // Hung calls were reported as such.
        assertThat(timedOut[0]).isPositive();
        // Retries stay bounded: no product made more than 12 attempts in any one day (the fault-free rate of an
        // unactivated product, one per 2 h; measured: 6), and under 0.5 a day on average over the year (measured:
        // 0.16).
        double perProductDay = attempts[0] / (1000.0 * 365);
        System.out.printf(
                "chaos soak: %,d licensing calls, %,d failed, %,d hung; %,d attempts (%.2f per product-day),"
                        + " at most %d by one product in one day%n",
                faults[0], faults[1], faults[2], attempts[0], perProductDay, maxPerDay[0]);
        assertThat(maxPerDay[0]).isLessThanOrEqualTo(12);
        assertThat(perProductDay).isLessThan(0.5);
    }
}
