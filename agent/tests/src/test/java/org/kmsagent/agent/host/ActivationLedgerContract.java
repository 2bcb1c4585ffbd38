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

/**
 * What every {@link ActivationLedger} stores and answers: its pools' entries and thresholds, how many requests it was
 * given, and that it refuses once closed. Each implementation's test extends this; a ledger that keeps its history
 * extends {@link ActivationLedgerHistoryContract}.
 */
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
    void countsEveryRequestRefusedOnesIncluded() {
        ledger.apply(counted(1, T0, "windows", List.of(), OptionalInt.of(5)));
        ledger.apply(LedgerUpdate.historyOnly(
                record(2, T0.plusSeconds(1), "windows", HResult.SL_E_VL_INVALID_TIMESTAMP, 0)));
        ledger.apply(counted(1, T0.plusSeconds(2), "windows", List.of(cmid(1)), OptionalInt.empty()));

        assertThat(ledger.historySize()).isEqualTo(3);
        assertThat(ledger.storedEntries())
                .singleElement()
                .satisfies(e -> assertThat(e.lastSeen()).isEqualTo(T0.plusSeconds(2)));
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
