package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.host.HostFixtures.T0;
import static org.kmsagent.agent.host.HostFixtures.cmid;
import static org.kmsagent.agent.host.HostFixtures.fullHost;
import static org.kmsagent.agent.host.HostFixtures.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the host tells when an entry leaves a pool's count (docs/kms-rules.md §1.2, §1.3). */
class EntryListenerTest {
    private final List<String> told = new ArrayList<>();

    private final EntryListener listener = new EntryListener() {
        @Override
        public void agedOut(PoolEntry entry, Instant at) {
            told.add("aged-out " + entry.machineName() + " " + entry.cmid() + " at +"
                    + Duration.between(T0, at).toMinutes());
        }

        @Override
        public void pushedOut(PoolEntry entry, Instant at, UUID by) {
            told.add("pushed-out " + entry.machineName() + " " + entry.cmid() + " at +"
                    + Duration.between(T0, at).toMinutes() + " by " + by);
        }
    };

    private static Instant days(long d) {
        return T0.plus(Duration.ofDays(d));
    }

    @Test
    void anEntryNotRenewedIsToldAgedOutThirtyDaysAfterItsLastRequestOnceAndARenewedOneNever() {
        LedgerKmsHost host = new LedgerKmsHost(fullHost(), new MemoryActivationLedger(), listener);
        host.handle(server(1, T0), T0);
        host.handle(server(2, T0), T0);
        host.handle(server(2, days(20)), days(20)); // renewed in time

        assertThat(host.reportAgedOut(days(29))).hasValue(days(30));
        assertThat(told).isEmpty();
        assertThat(host.reportAgedOut(days(30))).hasValue(days(50));
        assertThat(told)
                .containsExactly("aged-out pc-1 " + cmid(1) + " at +"
                        + Duration.ofDays(30).toMinutes());
        // The next request drops it from the ledger; it is not told twice.
        host.handle(server(3, days(31)), days(31));
        assertThat(told).hasSize(1);
        assertThat(host.count("windows", days(31))).isEqualTo(2);
    }

    @Test
    void anEntryFoundAgedOutByALaterRequestIsToldAtItsOwnTimeNotTheRequests() {
        LedgerKmsHost host = new LedgerKmsHost(fullHost(), new MemoryActivationLedger(), listener);
        host.handle(server(1, T0), T0);
        host.handle(server(2, days(45)), days(45));

        assertThat(told)
                .containsExactly("aged-out pc-1 " + cmid(1) + " at +"
                        + Duration.ofDays(30).toMinutes());
    }

    @Test
    void aFullTableTellsWhichEntryWasPushedOutAndByWhom() {
        LedgerKmsHost host = new LedgerKmsHost(fullHost(), new MemoryActivationLedger(), listener);
        for (int i = 1; i <= 10; i++) {
            host.handle(server(i, T0.plusSeconds(i * 60L)), T0.plusSeconds(i * 60L)); // servers: 2 x 5 = 10 entries
        }
        assertThat(told).isEmpty();
        host.handle(server(11, T0.plusSeconds(660)), T0.plusSeconds(660));

        assertThat(told).containsExactly("pushed-out pc-1 " + cmid(1) + " at +11 by " + cmid(11));
    }

    @Test
    void aReconfiguredHostDoesNotTellAgainWhatItAlreadyTold() {
        LedgerKmsHost host = new LedgerKmsHost(fullHost(), new MemoryActivationLedger(), listener);
        host.handle(server(1, T0), T0);
        host.reportAgedOut(days(30));
        LedgerKmsHost changed = host.reconfigured(fullHost());
        changed.handle(server(2, days(31)), days(31));

        assertThat(told).hasSize(1);
    }
}
