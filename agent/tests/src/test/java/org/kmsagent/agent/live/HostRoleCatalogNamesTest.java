package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.host.HistoryRecord;
import org.kmsagent.agent.host.HostSettings;
import org.kmsagent.agent.host.LedgerUpdate;
import org.kmsagent.agent.host.MemoryActivationLedger;
import org.kmsagent.agent.host.PoolEntry;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.HResult;

/** The host role checks the names {@code host.hostKeys} and {@code host.licensePacks} give against the catalogs. */
class HostRoleCatalogNamesTest {
    @Test
    void anUnknownLicensePackIsReportedAndIgnoredAsAnUnknownHostKeyIs() {
        try (HostRole role = new HostRole(
                "kms-test",
                new MemoryActivationLedger(),
                List.of("Windows 10 client CSVLK", "No Such CSVLK"),
                List.of("Office 2013 Volume License Pack", "Office 2031 Volume License Pack"),
                HostSettings.defaults())) {
            role.families(List.of(TestFamilies.byId("windows-client"), TestFamilies.byId("office2013")));
            assertThat(role.unknownKeys()).containsExactly("No Such CSVLK");
            assertThat(role.unknownPacks()).containsExactly("Office 2031 Volume License Pack");
            assertThat(role.model().config().licensePacks()).containsExactly("Office 2013 Volume License Pack");
        }
    }

    @Test
    void withNoPacksConfiguredEveryDeclaredPackIsHeldAndNoneIsUnknown() {
        try (HostRole role =
                new HostRole("kms-test", new MemoryActivationLedger(), List.of(), List.of(), HostSettings.defaults())) {
            role.families(List.of(TestFamilies.byId("office2013")));
            assertThat(role.unknownPacks()).isEmpty();
            assertThat(role.model().config().licensePacks()).containsExactly("Office 2013 Volume License Pack");
        }
    }

    @Test
    void aPoolTheLedgerHoldsThatNoLoadedFamilyUsesIsShownWithItsApplication() {
        // Office 2010 clients counted, then the office2010 plugin taken out: the ledger still holds its pool.
        MemoryActivationLedger ledger = new MemoryActivationLedger();
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        UUID cmid = UUID.fromString("00000000-0000-0000-0000-000000000001");
        ledger.apply(new LedgerUpdate(
                new HistoryRecord(
                        1,
                        now,
                        now,
                        cmid,
                        "pc-1",
                        "office2010",
                        "Office Professional Plus 2010",
                        "office2010",
                        "office",
                        5,
                        HResult.S_OK,
                        1),
                List.of(),
                Optional.of(new PoolEntry("office2010", cmid, "pc-1", now)),
                OptionalInt.of(5)));
        try (HostRole role = new HostRole("kms-test", ledger, List.of(), List.of(), HostSettings.defaults())) {
            role.families(List.of(TestFamilies.byId("windows-client")));
            HostView.Pool pool = role.view(List.of(TestFamilies.byId("windows-client")), now).pools().stream()
                    .filter(p -> p.family().equals("office2010"))
                    .findFirst()
                    .orElseThrow();
            // Before: no application id (ctl host printed "-" for it).
            assertThat(pool.applicationId()).isEqualTo(KmsRules.OFFICE_2010_APPLICATION.toString());
            assertThat(pool.count()).isEqualTo(1);
            assertThat(pool.thresholds()).isEmpty();
        }
    }
}
