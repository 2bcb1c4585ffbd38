package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.testsupport.TestFamilies;

/** The append-only record of a watched host's requests in the durable ledger, and the view summarised from it. */
class ObservedRequestLedgerTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String SKU = "4de7cb65-cdf1-4de9-8ae8-e3cce27b9f2c";

    @TempDir
    Path dir;

    private static ObservedRequest req(long id, Duration ago, String name, String cmid, int required, int state) {
        return new ObservedRequest(id, NOW.minus(ago), "KMS01", "0x0", required, name, cmid, "", state, 100, SKU);
    }

    private static final List<ObservedRequest> LOG = List.of(
            req(1, Duration.ofDays(40), "old.contoso.com", "00000000-0000-4000-8000-000000000000", 25, 1),
            req(2, Duration.ofDays(3), "pc-a.contoso.com", "AAAAAAAA-0000-4000-8000-000000000001", 25, 2),
            req(3, Duration.ofDays(2), "srv.contoso.com", "bbbbbbbb-0000-4000-8000-000000000002", 5, 1),
            req(4, Duration.ofDays(1), "PC-A.contoso.com", "aaaaaaaa-0000-4000-8000-000000000001", 25, 1),
            req(5, Duration.ofHours(1), "pc-b.contoso.com", "aaaaaaaa-0000-4000-8000-000000000001", 25, 2));

    @Test
    void eachEventIsKeptOnceAndTheWindowIsSummarisedByClient() {
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(dir.resolve("ledger"))) {
            assertThat(ledger.appendObserved(LOG)).isEqualTo(5);
            assertThat(ledger.appendObserved(LOG.subList(3, 5)))
                    .as("already held")
                    .isZero();
            // Record id 2 again after a clear, but another request (another time): kept.
            assertThat(ledger.appendObserved(List.of(req(
                            2,
                            Duration.ofMinutes(5),
                            "pc-c.contoso.com",
                            "cccccccc-0000-4000-8000-000000000003",
                            25,
                            0))))
                    .isEqualTo(1);
            assertThat(ledger.observedCount()).isEqualTo(6);

            Instant from = GenuineHostView.windowStart(NOW);
            List<ObservedRequestLog.ClientSeen> seen = ledger.clientsSince(from);
            assertThat(seen)
                    .extracting(c -> c.latest().clientName(), ObservedRequestLog.ClientSeen::requests)
                    .containsExactly(
                            Tuple.tuple("pc-c.contoso.com", 1),
                            Tuple.tuple("pc-b.contoso.com", 1),
                            Tuple.tuple("PC-A.contoso.com", 2),
                            Tuple.tuple("srv.contoso.com", 1));
            // The CMIDs the host counted within the window, each once per product and count asked for (case aside);
            // the request of 40 days ago is out of it.
            List<ObservedRequestLog.CountedCmid> counted = ledger.countedSince(from);
            assertThat(counted)
                    .containsExactlyInAnyOrder(
                            new ObservedRequestLog.CountedCmid(
                                    "pc-a.contoso.com",
                                    "aaaaaaaa-0000-4000-8000-000000000001",
                                    SKU,
                                    25,
                                    NOW.minus(Duration.ofDays(1))),
                            new ObservedRequestLog.CountedCmid(
                                    "srv.contoso.com",
                                    "bbbbbbbb-0000-4000-8000-000000000002",
                                    SKU,
                                    5,
                                    NOW.minus(Duration.ofDays(2))),
                            new ObservedRequestLog.CountedCmid(
                                    "pc-b.contoso.com",
                                    "aaaaaaaa-0000-4000-8000-000000000001",
                                    SKU,
                                    25,
                                    NOW.minus(Duration.ofHours(1))),
                            new ObservedRequestLog.CountedCmid(
                                    "pc-c.contoso.com",
                                    "cccccccc-0000-4000-8000-000000000003",
                                    SKU,
                                    25,
                                    NOW.minus(Duration.ofMinutes(5))));

            GenuineHostView fromStore = GenuineHostView.of(
                    "KMS01", NOW, seen, counted, TestFamilies::applicationOf, List.of(), null, 6, 0, NOW, null);
            GenuineHostView fromList = GenuineHostView.of(
                    "KMS01",
                    NOW,
                    ledger.observedBetween(from, NOW, 100),
                    TestFamilies::applicationOf,
                    List.of(),
                    null,
                    6,
                    0,
                    NOW,
                    null);
            assertThat(fromStore).isEqualTo(fromList);
            assertThat(fromStore.clients().get(2).licenseState()).isEqualTo("licensed");
            assertThat(fromStore.clients().get(2).cmid()).isEqualTo("aaaaaaaa-0000-4000-8000-000000000001");
        }
    }

    @Test
    void aVersionOneLedgerIsUpgradedAndKeepsItsHistory() throws Exception {
        Path file = dir.resolve("v1");
        H2ActivationLedger.openFile(file).close();
        try (Connection c = DriverManager.getConnection(H2ActivationLedger.jdbcUrl(file), "sa", "");
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE observed_request");
            st.execute("DELETE FROM schema_version WHERE version = 2");
        }
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(file)) {
            assertThat(ledger.appendObserved(LOG)).isEqualTo(5);
        }
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(file)) {
            assertThat(ledger.observedCount()).isEqualTo(5);
        }
    }
}
