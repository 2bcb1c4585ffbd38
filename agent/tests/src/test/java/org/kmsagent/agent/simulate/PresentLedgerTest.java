package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.host.MemoryActivationLedger;
import org.kmsagent.agent.host.PoolEntry;
import org.kmsagent.api.CountPool;

/** A present's host tables as a what-if simulation starts from them (docs/kms-rules.md §1.2, §1.3). */
class PresentLedgerTest {
    private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
    private static final CountPool WINDOWS =
            new CountPool("windows", "Windows", UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f"));
    private static final CountPool OFFICE =
            new CountPool("office", "Office 2016+", UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663"));

    @Test
    void aLogNamingMoreClientsThanTheTableHoldsSeedsOnlyTheMostRecentlySeenUpToTwiceTheThreshold() {
        // Thirty days of a busy host's log: 70 PCs (asking for 25) and 14 Office PCs (asking for 5), one an hour.
        List<Present.LedgerSeed> seeds = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            seeds.add(seed(WINDOWS, i, 25));
        }
        for (int i = 0; i < 14; i++) {
            seeds.add(seed(OFFICE, 100 + i, 5));
        }
        LedgerKmsHost fresh =
                new LedgerKmsHost(HostConfig.of("kms01", List.of(), Set.of()), new MemoryActivationLedger());

        LedgerKmsHost host = (LedgerKmsHost) PresentLedger.seeded(fresh, seeds, START);

        // A real host reports at most 50 and 10 (§1.3), having evicted the least recently seen.
        assertThat(host.count(WINDOWS.id(), START)).isEqualTo(50);
        assertThat(host.count(OFFICE.id(), START)).isEqualTo(10);
        assertThat(host.entries(WINDOWS.id(), START).stream().map(PoolEntry::cmid))
                .containsExactlyInAnyOrderElementsOf(seeds.subList(20, 70).stream()
                        .map(Present.LedgerSeed::cmid)
                        .toList());
        assertThat(host.entries(OFFICE.id(), START).stream().map(PoolEntry::cmid))
                .containsExactlyInAnyOrderElementsOf(seeds.subList(74, 84).stream()
                        .map(Present.LedgerSeed::cmid)
                        .toList());
    }

    @Test
    void theTableGrowsWithTheHighestThresholdAskedSoFarAsTheHostsDoes() {
        List<Present.LedgerSeed> seeds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            seeds.add(seed(WINDOWS, i, i < 12 ? 5 : 25)); // twelve servers first, then eighteen PCs
        }
        LedgerKmsHost fresh =
                new LedgerKmsHost(HostConfig.of("kms01", List.of(), Set.of()), new MemoryActivationLedger());

        LedgerKmsHost host = (LedgerKmsHost) PresentLedger.seeded(fresh, seeds, START);

        // Twelve servers in a table of ten: the first two left it. The first PC raised it to 50, and all stayed.
        assertThat(host.count(WINDOWS.id(), START)).isEqualTo(28);
        assertThat(host.entries(WINDOWS.id(), START).stream().map(PoolEntry::cmid))
                .doesNotContain(seeds.get(0).cmid(), seeds.get(1).cmid())
                .contains(seeds.get(2).cmid(), seeds.get(29).cmid());
    }

    /** The {@code i}th client of the log, seen {@code 30 days - i hours} before the start (later i, more recent). */
    private static Present.LedgerSeed seed(CountPool pool, int i, int requiredCount) {
        return new Present.LedgerSeed(
                pool,
                new UUID(0x1000 + i, i),
                "pc-" + i,
                START.minus(Duration.ofDays(29)).plus(Duration.ofHours(i)),
                requiredCount);
    }
}
