package org.kmsagent.agent.licensing.slc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingServices;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.ThresholdClass;
import org.kmsagent.api.WindowsVersion;

/**
 * The catalog's licensing service per Windows version decides which library the same bindings load: Office 2013
 * is in OSPP ({@code osppc}) on Windows 7 and in SPP ({@code slc}) on Windows 8 and later.
 */
@ExtendWith(NoNativeLeaks.class)
class OfficeServiceChoiceTest {
    private static final UUID OFFICE_APP = UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663");
    private static final ActivationHandler OFFICE2013 = ActivationHandler.STANDARD;

    @Test
    void office2013IsReadFromOsppOnWindows7AndFromSppLater() throws Exception {
        SlcDouble spp = SlcDouble.load("slc");
        SlcDouble ospp = SlcDouble.load("osppc");
        UUID sku = UUID.randomUUID();
        for (SlcDouble d : List.of(spp, ospp)) {
            d.control()
                    .double_add_sku(
                            OFFICE_APP.toString(),
                            sku.toString(),
                            "Office 15, OfficeProPlus-KMS_Client edition" + " in " + d.library(),
                            "Office 15, VOLUME_KMSCLIENT channel");
            d.control().double_set_key(sku.toString(), UUID.randomUUID().toString(), "YC7DK", "Volume:GVLK");
        }
        ospp.control().double_set_status(sku.toString(), 1, 100, 30, HResult.S_OK.code(), 0);
        SkuCatalog catalog = new SkuCatalog(
                "office2013",
                "Office 2013",
                OFFICE_APP,
                new LicensingServices(LicensingService.OSPP, LicensingService.SPP),
                List.of(new Sku(
                        "Office Professional Plus 2013",
                        "Office 2013",
                        "Professional Plus",
                        Optional.of(sku),
                        ProductKey.parse("YC7DK-G2NP3-2QQC3-J6H88-GVGXT"),
                        new ProductGroup("Office 2013", UUID.randomUUID()),
                        ThresholdClass.OFFICE)),
                List.of(),
                Optional.empty(),
                Duration.ofDays(30));

        List<InstalledProduct> onWin7 = OFFICE2013.findInstalled(stack(WindowsVersion.WINDOWS_7), catalog);
        List<InstalledProduct> onWin10 = OFFICE2013.findInstalled(stack(WindowsVersion.WINDOWS_10), catalog);

        assertThat(onWin7).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(LicensingService.OSPP);
            assertThat(p.name()).endsWith("in osppc");
        });
        assertThat(onWin10).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(LicensingService.SPP);
            assertThat(p.name()).endsWith("in slc");
        });
        assertThat(OFFICE2013
                        .status(stack(WindowsVersion.WINDOWS_7), onWin7.get(0))
                        .status())
                .isEqualTo(LicenseStatus.LICENSED);
    }

    private static SlcLicensingStack stack(WindowsVersion version) {
        return new SlcLicensingStack(SlcClient::forService, new RecordingLicensingWriter(), "PC", version);
    }
}
