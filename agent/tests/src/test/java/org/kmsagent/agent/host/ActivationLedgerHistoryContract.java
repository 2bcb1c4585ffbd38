package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.host.HostFixtures.T0;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.HResult;

/** What a ledger that keeps the request history gives back of it, besides the rest of the contract. */
abstract class ActivationLedgerHistoryContract extends ActivationLedgerContract {

    @Test
    void historyIsPagedNewestFirstWithIncreasingSequence() {
        for (int m = 1; m <= 5; m++) {
            ledger.apply(LedgerUpdate.historyOnly(
                    record(m, T0.plusSeconds(m), "windows", HResult.SL_E_VL_INVALID_TIMESTAMP, 0)));
        }

        List<HistoryRecord> all = ledger.historyNewestFirst(0, 10);
        assertThat(all).extracting(HistoryRecord::machineName).containsExactly("pc-5", "pc-4", "pc-3", "pc-2", "pc-1");
        assertThat(all).extracting(HistoryRecord::sequence).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(all.get(0).result()).isEqualTo(HResult.SL_E_VL_INVALID_TIMESTAMP);
        assertThat(ledger.historyNewestFirst(2, 2))
                .extracting(HistoryRecord::machineName)
                .containsExactly("pc-3", "pc-2");
        assertThat(ledger.historyNewestFirst(5, 2)).isEmpty();
        assertThat(ledger.historySize()).isEqualTo(5);
        assertThat(ledger.storedEntries()).isEmpty();
    }

    @Test
    void historyBetweenIsHalfOpenAndOldestFirst() {
        for (int m = 1; m <= 5; m++) {
            ledger.apply(LedgerUpdate.historyOnly(record(m, T0.plusSeconds(m), "windows", HResult.S_OK, 5)));
        }

        assertThat(ledger.historyBetween(T0.plusSeconds(2), T0.plusSeconds(4), 10))
                .extracting(HistoryRecord::machineName)
                .containsExactly("pc-2", "pc-3");
        assertThat(ledger.historyBetween(T0, T0.plusSeconds(60), 2))
                .extracting(HistoryRecord::machineName)
                .containsExactly("pc-1", "pc-2");
    }

    @Test
    void historyKeepsEveryFieldExactly() {
        Instant at = T0.plusNanos(123_456_789);
        HistoryRecord written = new HistoryRecord(
                0,
                at,
                at.minusSeconds(30),
                UUID.randomUUID(),
                "ws-ünïcode-01",
                "office2013",
                "Office Professional Plus 2013",
                "office2013",
                "Office 2013",
                5,
                HResult.SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH,
                0);
        ledger.apply(LedgerUpdate.historyOnly(written));

        HistoryRecord read = ledger.historyNewestFirst(0, 1).get(0);
        assertThat(read).usingRecursiveComparison().ignoringFields("sequence").isEqualTo(written);
    }
}
