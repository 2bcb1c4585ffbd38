package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.host.HostSettings;
import org.kmsagent.agent.host.MemoryActivationLedger;
import org.kmsagent.agent.testsupport.TestFamilies;

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
}
