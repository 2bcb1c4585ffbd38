package org.kmsagent.agent.hub.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PoolForecastTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private static final Duration HORIZON = Duration.ofDays(90);

    private static Instant day(String date) {
        return Instant.parse(date + "T00:00:00Z");
    }

    private static List<Instant> times(Instant first, int n, Duration step) {
        List<Instant> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(first.plus(step.multipliedBy(i)));
        }
        return out;
    }

    @Test
    void poolThatMeetsItsThresholdDropsBelowWhenTheSecondEntryLeavesTheThirtyDayWindow() {
        // Six servers last seen every other day from Feb 1; none arrived recently. Entries live 30 days (§1.2):
        // Feb 1 leaves on Mar 3 (count 5, still met), Feb 3 leaves on Mar 5 (count 4 < 5).
        List<Instant> contacts = times(day("2026-02-01"), 6, Duration.ofDays(2));
        PoolForecast f = PoolForecast.project(
                NOW, "windows-server", 5, 50, contacts, Collections.nCopies(6, day("2026-01-01")), HORIZON);

        assertThat(f.count()).isEqualTo(6);
        assertThat(f.met()).isTrue();
        assertThat(f.arrivalsPerDay()).isZero();
        assertThat(f.crossesAt()).contains(day("2026-03-05"));
    }

    @Test
    void arrivalsAtTheRateSeenKeepAPoolAboveItsThreshold() {
        // Same six entries, but 15 new machines arrived in the last 30 days: 0.5 a day replaces the leavers.
        List<Instant> contacts = times(day("2026-02-01"), 6, Duration.ofDays(2));
        List<Instant> firstSeen = times(day("2026-02-01"), 15, Duration.ofDays(1));
        PoolForecast f = PoolForecast.project(NOW, "windows-server", 5, 50, contacts, firstSeen, HORIZON);

        assertThat(f.arrivalsPerDay()).isEqualTo(0.5);
        assertThat(f.met()).isTrue();
        assertThat(f.crossesAt()).isEmpty();
    }

    @Test
    void poolBelowTheClientThresholdReachesItOnTheDayEnoughNewMachinesHaveArrived() {
        // docs/kms-rules.md §1.6: 13 counted, clients need 25. One new machine a day (30 in 30 days): the 12th arrives
        // on Mar 13, before any of the 13 (last seen Feb 20) leaves on Mar 22.
        List<Instant> contacts = Collections.nCopies(13, day("2026-02-20"));
        List<Instant> firstSeen = times(day("2026-01-31"), 30, Duration.ofDays(1));
        PoolForecast f = PoolForecast.project(NOW, "windows-client", 25, 50, contacts, firstSeen, HORIZON);

        assertThat(f.count()).isEqualTo(13);
        assertThat(f.met()).isFalse();
        assertThat(f.crossesAt()).contains(day("2026-03-13"));
    }

    @Test
    void poolBelowItsThresholdWithNoArrivalsNeverReachesIt() {
        PoolForecast f = PoolForecast.project(
                NOW,
                "windows-client",
                25,
                50,
                Collections.nCopies(13, day("2026-02-20")),
                Collections.nCopies(13, day("2026-01-10")),
                HORIZON);

        assertThat(f.met()).isFalse();
        assertThat(f.crossesAt()).isEmpty();
    }

    @Test
    void arrivalsTooSlowToOutpaceTheLeaversDoNotReachTheThreshold() {
        // 20 counted, all leaving on Mar 11; one arrival every 3 days cannot add the 5 missing before they go.
        List<Instant> contacts = Collections.nCopies(20, day("2026-02-09"));
        List<Instant> firstSeen = times(day("2026-02-01"), 10, Duration.ofDays(3));
        PoolForecast f = PoolForecast.project(NOW, "windows-client", 25, 50, contacts, firstSeen, HORIZON);

        assertThat(f.arrivalsPerDay()).isCloseTo(1 / 3.0, Offset.offset(1e-9));
        assertThat(f.crossesAt()).isEmpty();
    }

    @Test
    void countIsCappedAtTheTableCapacity() {
        // docs/kms-rules.md §1.3: a host asked only for N=5 holds 10 entries.
        PoolForecast f = PoolForecast.project(
                NOW, "office", 5, 10, Collections.nCopies(12, day("2026-02-25")), List.of(), HORIZON);

        assertThat(f.count()).isEqualTo(10);
    }

    @Test
    void entriesOlderThanThirtyDaysAreNotCounted() {
        PoolForecast f = PoolForecast.project(
                NOW,
                "windows-server",
                5,
                50,
                List.of(day("2026-01-15"), day("2026-01-30"), day("2026-02-27")),
                List.of(),
                HORIZON);

        assertThat(f.count()).isEqualTo(1);
    }
}
