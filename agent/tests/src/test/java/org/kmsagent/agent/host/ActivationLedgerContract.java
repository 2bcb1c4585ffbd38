package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kmsagent.agent.host.HostFixtures.T0;
import static org.kmsagent.agent.host.HostFixtures.cmid;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.HResult;

/** What every {@link ActivationLedger} stores and answers; each implementation's test extends this. */
abstract class ActivationLedgerContract {
    protected ActivationLedger ledger;

    protected abstract ActivationLedger open() throws Exception;

    @BeforeEach
    void openLedger() throws Exception {
        ledger = open();
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    static HistoryRecord record(int machine, Instant at, String pool, HResult result, int count) {
        return new HistoryRecord(
                0,
                at,
                at,
                cmid(machine),
                "pc-" + machine,
                "windows-client",
                "Windows 7 Enterprise",
                pool,
                "Windows 7",
                25,
                result,
                count);
    }

    static LedgerUpdate counted(int machine, Instant at, String pool, List<UUID> dropped, OptionalInt threshold) {
        return new LedgerUpdate(
                record(machine, at, pool, HResult.SL_E_VL_NOT_ENOUGH_COUNT, 1),
                dropped,
                Optional.of(new PoolEntry(pool, cmid(machine), "pc-" + machine, at)),
                threshold);
    }

    @Test
    void storesEntriesAndHighestThresholdPerPool() {
        ledger.apply(counted(1, T0, "windows", List.of(), OptionalInt.of(5)));
        ledger.apply(counted(2, T0.plusSeconds(1), "windows", List.of(), OptionalInt.of(25)));
        ledger.apply(counted(3, T0.plusSeconds(2), "office2013", List.of(), OptionalInt.of(5)));

        assertThat(ledger.storedEntries())
                .extracting(PoolEntry::poolId, PoolEntry::cmid)
                .containsExactlyInAnyOrder(
                        Tuple.tuple("windows", cmid(1)),
                        Tuple.tuple("windows", cmid(2)),
                        Tuple.tuple("office2013", cmid(3)));
        assertThat(ledger.storedHighestThresholds()).isEqualTo(Map.of("windows", 25, "office2013", 5));
    }

    @Test
    void droppedEntriesGoBeforeTheRegisteredOneIsWritten() {
        ledger.apply(counted(1, T0, "windows", List.of(), OptionalInt.of(5)));
        ledger.apply(counted(2, T0.plusSeconds(1), "windows", List.of(), OptionalInt.empty()));

        // machine 1 expired and came back in the same request; machine 2 evicted
        ledger.apply(counted(1, T0.plusSeconds(9), "windows", List.of(cmid(1), cmid(2)), OptionalInt.empty()));

        assertThat(ledger.storedEntries()).singleElement().satisfies(e -> {
            assertThat(e.cmid()).isEqualTo(cmid(1));
            assertThat(e.lastSeen()).isEqualTo(T0.plusSeconds(9));
        });
    }

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

    @Test
    void closedLedgerRefusesWithLedgerException() {
        ledger.close();

        assertThatThrownBy(() -> ledger.apply(LedgerUpdate.historyOnly(record(1, T0, "windows", HResult.S_OK, 1))))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> ledger.historySize()).isInstanceOf(LedgerException.class);
    }
}
