package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kmsagent.agent.host.HostFixtures.T0;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.HResult;

/**
 * What the simulator's ledger does beyond the contract: it counts requests but keeps no history, and says so when
 * asked for it instead of answering with an empty history (which would read as "no requests").
 */
class MemoryActivationLedgerTest {

    @Test
    void historyQueriesAreRefusedNamingWhyWhileTheCountAndTablesStay() {
        try (MemoryActivationLedger ledger = new MemoryActivationLedger()) {
            UUID cmid = new UUID(7, 1);
            ledger.apply(new LedgerUpdate(
                    ActivationLedgerContract.record(1, T0, "windows", HResult.SL_E_VL_NOT_ENOUGH_COUNT, 1),
                    List.of(),
                    Optional.of(new PoolEntry("windows", cmid, "pc-1", T0)),
                    OptionalInt.of(25)));

            assertThatThrownBy(() -> ledger.historyNewestFirst(0, 10))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageContaining("keeps no history")
                    .hasMessageContaining("H2");
            assertThatThrownBy(() -> ledger.historyBetween(T0, T0.plusSeconds(60), 10))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageContaining("keeps no history");
            assertThat(ledger.historySize()).isEqualTo(1);
            assertThat(ledger.storedEntries()).extracting(PoolEntry::cmid).containsExactly(cmid);
        }
    }
}
