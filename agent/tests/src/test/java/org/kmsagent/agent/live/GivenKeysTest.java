package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;

class GivenKeysTest {
    private static final LoadedFamily OFFICE = TestFamilies.byId("office2013");
    private static final LoadedFamily WINDOWS = TestFamilies.byId("windows-client");
    private static final InstalledProduct PRO_PLUS = installed(OFFICE, "Office 2013 Professional Plus");

    @Test
    void aWindowsGvlkGivenForOfficeIsRefusedNamingItsEditionAndFamilyByTheKeysLastFiveOnly() {
        ProductKey windows = gvlk(WINDOWS, "Windows 11 Enterprise");
        ControlException e = catchThrowableOfType(
                ControlException.class, () -> GivenKeys.check(windows, OFFICE, List.of(PRO_PLUS), TestFamilies.all()));
        assertThat(e.code()).isEqualTo(BusCodes.BAD_REQUEST);
        assertThat(e.getMessage())
                .isEqualTo("key: the key ending 2YT43 is the GVLK of Windows 10 Enterprise / Windows 11 Enterprise"
                        + " (windows-client), not of an edition of office2013 installed here (installed: Office 2013"
                        + " Professional Plus); nothing was installed; it goes with --family windows-client")
                .doesNotContain(windows.value().substring(0, 5));
    }

    @Test
    void theGvlkOfAnotherEditionOfTheFamilyIsTheLicensingServicesToTakeOrRefuse() {
        // Windows converts Pro to Enterprise when given Enterprise's GVLK: an administrator's ordinary step.
        assertThatCode(() -> GivenKeys.check(
                        gvlk(WINDOWS, "Windows 11 Enterprise"),
                        WINDOWS,
                        List.of(installed(WINDOWS, "Windows 11 Pro")),
                        TestFamilies.all()))
                .doesNotThrowAnyException();
        assertThatCode(() -> GivenKeys.check(
                        gvlk(OFFICE, "Office 2013 Standard"), OFFICE, List.of(PRO_PLUS), TestFamilies.all()))
                .doesNotThrowAnyException();
    }

    @Test
    void anotherFamilysGvlkGivenForAFamilyWithNothingInstalledSaysSo() {
        ControlException e = catchThrowableOfType(
                ControlException.class,
                () -> GivenKeys.check(gvlk(WINDOWS, "Windows 11 Enterprise"), OFFICE, List.of(), TestFamilies.all()));
        assertThat(e.getMessage()).contains("installed here (none is)");
    }

    @Test
    void theInstalledEditionsGvlkAndKeysNoCatalogKnowsPass() {
        assertThatCode(() -> GivenKeys.check(
                        gvlk(OFFICE, "Office 2013 Professional Plus"), OFFICE, List.of(PRO_PLUS), TestFamilies.all()))
                .doesNotThrowAnyException();
        // Another release name of the installed SKU: Windows 10 Enterprise's key on Windows 11 Enterprise.
        assertThatCode(() -> GivenKeys.check(
                        gvlk(WINDOWS, "Windows 10 Enterprise"),
                        WINDOWS,
                        List.of(installed(WINDOWS, "Windows 11 Enterprise")),
                        TestFamilies.all()))
                .doesNotThrowAnyException();
        // A MAK: only the licensing service can tell its edition.
        assertThatCode(() -> GivenKeys.check(
                        ProductKey.parse("BCDFG-HJKMP-QRTVW-XY234-6789B"),
                        OFFICE,
                        List.of(PRO_PLUS),
                        TestFamilies.all()))
                .doesNotThrowAnyException();
    }

    private static ProductKey gvlk(LoadedFamily family, String edition) {
        return family.catalog().byName(edition).orElseThrow().gvlk();
    }

    private static InstalledProduct installed(LoadedFamily family, String edition) {
        Sku sku = family.catalog().byName(edition).orElseThrow();
        return new InstalledProduct(
                LicensingService.SPP,
                family.applicationId(),
                sku.skuId().orElseThrow(),
                sku.name(),
                sku.name(),
                KeyChannel.VOLUME_GVLK,
                Optional.of(sku.gvlk().lastFive()));
    }
}
