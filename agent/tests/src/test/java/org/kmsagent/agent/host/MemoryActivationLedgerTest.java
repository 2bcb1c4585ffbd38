package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.HResult;

/** What the plain-memory ledger's columnar history must give back exactly (the contract covers the rest). */
class MemoryActivationLedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    private static HistoryRecord record(int n, Instant host, Instant client, HResult result) {
        return new HistoryRecord(
                0,
                host,
                client,
                new UUID(7, n),
                "pc-" + n,
                n % 2 == 0 ? "windows-client" : "office2013",
                n % 2 == 0 ? "Windows 10 Enterprise" : "Office 2013 Professional Plus",
                n % 2 == 0 ? "windows" : "office2013",
                "group-" + (n % 3),
                5 + n % 2 * 20,
                result,
                n % 50);
    }

    @Test
    void historyComesBackExactlyAcrossChunksAndWithSubMillisecondTimes() {
        int total = 70_000; // more than one column chunk (65,536)
        try (MemoryActivationLedger ledger = new MemoryActivationLedger()) {
            for (int n = 0; n < total; n++) {
                Instant host = T0.plusSeconds(n);
                Instant client = n == 12_345 ? host.plusNanos(1_500) : host.minusMillis(n % 1000);
                HResult result = n % 7 == 0 ? HResult.SL_E_VL_NOT_ENOUGH_COUNT : HResult.S_OK;
                ledger.apply(LedgerUpdate.historyOnly(record(n, host, client, result)));
            }
            assertThat(ledger.historySize()).isEqualTo(total);
            for (int n : new int[] {0, 1, 12_345, 65_535, 65_536, total - 1}) {
                HistoryRecord want = record(
                        n,
                        T0.plusSeconds(n),
                        n == 12_345
                                ? T0.plusSeconds(n).plusNanos(1_500)
                                : T0.plusSeconds(n).minusMillis(n % 1000),
                        n % 7 == 0 ? HResult.SL_E_VL_NOT_ENOUGH_COUNT : HResult.S_OK);
                List<HistoryRecord> page = ledger.historyNewestFirst(total - 1 - n, 1);
                assertThat(page)
                        .containsExactly(new HistoryRecord(
                                n + 1L,
                                want.hostTime(),
                                want.clientTime(),
                                want.cmid(),
                                want.machineName(),
                                want.familyId(),
                                want.skuName(),
                                want.poolId(),
                                want.productGroup(),
                                want.requiredCount(),
                                want.result(),
                                want.count()));
            }
            assertThat(ledger.historyBetween(T0.plusSeconds(65_535), T0.plusSeconds(65_538), 10))
                    .extracting(HistoryRecord::sequence)
                    .containsExactly(65_536L, 65_537L, 65_538L);
        }
    }
}
