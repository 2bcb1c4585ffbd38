package org.kmsagent.agent.licensing.slc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kmsagent.agent.licensing.LicenseDetails.Details;
import org.kmsagent.agent.licensing.kmshost.RegistryDouble;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.WindowsVersion;

/** What {@code slmgr /dlv} shows beside the state, read through the real bindings from the native double. */
@ExtendWith(NoNativeLeaks.class)
class SlcLicenseDetailsTest {
    private static final String CMID = "6c4d2a5e-8f3b-4a51-9e0a-2b7f1c3d4e5f";
    private static final String EPID = "03612-00206-471-000000-03-1033-19041.0000-0012021";

    private SlcDouble dbl;
    private RegistryDouble registry;
    private SlcLicensingStack stack;
    private UUID pro;
    private InstalledProduct product;

    @BeforeEach
    void setUp() {
        dbl = SlcDouble.load("slc");
        registry = RegistryDouble.load();
        stack = new SlcLicensingStack(
                SlcClient::forService,
                new RecordingLicensingWriter(),
                "PC-0042",
                WindowsVersion.WINDOWS_10,
                new HostCachingSetting(RegistryDouble.LIBRARY)::enabled);
        pro = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Professional edition",
                "VOLUME_KMSCLIENT channel",
                "T83GX",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_000,
                HResult.S_OK);
        product = new InstalledProduct(
                LicensingService.SPP,
                SlcDouble.WINDOWS_APP,
                pro,
                "Windows(R), Professional edition",
                "VOLUME_KMSCLIENT channel",
                KeyChannel.VOLUME_GVLK,
                Optional.of("T83GX"));
    }

    @Test
    void everyFieldComesFromItsSlcValueName() throws Exception {
        Instant trusted = Instant.parse("2026-11-30T08:15:30Z");
        dbl.serviceValue("ClientMachineID", CMID);
        dbl.keyValue(pro, "DigitalPID", EPID);
        dbl.skuValue(pro, "DiscoveredKeyManagementServiceMachineName", "kms1.corp.example");
        dbl.skuDword(pro, "DiscoveredKeyManagementServicePort", 1700);
        dbl.skuBinary(pro, filetime(trusted));
        dbl.skuDword(pro, "RemainingRearmCount", 1000);

        Details d = stack.licenseDetails(product).orElseThrow();

        assertThat(d)
                .isEqualTo(new Details(
                        Optional.of(CMID),
                        Optional.of(SlcDouble.WINDOWS_APP),
                        Optional.of(EPID),
                        Optional.of(true),
                        Optional.of("kms1.corp.example"),
                        OptionalInt.of(1700),
                        Optional.of(trusted),
                        OptionalInt.of(1000)));
    }

    @Test
    void hostCachingIsTheServicesRegistryValueForSlcHasNoNameForIt() throws Exception {
        // Read through an SLC value name that does not exist (docs/kms-rules.md §8.1), it was never known on Windows.
        dbl.serviceDword("KeyManagementServiceHostCaching", 0);
        assertThat(stack.licenseDetails(product).orElseThrow().kmsHostCaching()).contains(true);

        registry.double_reg_set_dword(HostCachingSetting.DISABLE_HOST_CACHING, 1); // slmgr /ckhc
        assertThat(stack.licenseDetails(product).orElseThrow().kmsHostCaching()).contains(false);

        registry.double_reg_set_error(HostCachingSetting.DISABLE_HOST_CACHING, 5); // ERROR_ACCESS_DENIED
        assertThat(stack.licenseDetails(product).orElseThrow().kmsHostCaching()).isEmpty();
    }

    @Test
    void whatTheServiceDoesNotHoldIsEmptyAndTheRearmCountFallsBackToTheApplication() throws Exception {
        dbl.appDword(SlcDouble.WINDOWS_APP, "RemainingRearmCount", 5);

        Details d = stack.licenseDetails(product).orElseThrow();

        assertThat(d.clientMachineId()).isEmpty();
        assertThat(d.kmsHostUsed()).isEmpty();
        assertThat(d.trustedTime()).isEmpty();
        assertThat(d.extendedPid()).isEmpty();
        assertThat(d.remainingRearmCount()).hasValue(5);
    }

    @Test
    void officeOnOsppIsReadFromItsOwnClientLibrary() throws Exception {
        SlcDouble ospp = SlcDouble.load("osppc");
        UUID office = ospp.addProduct(
                SlcDouble.OFFICE2010_APP,
                "Office 14, OfficeProPlus-KMS_Client edition",
                "Office 14, VOLUME_KMSCLIENT channel",
                "VYBBJ",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_000,
                HResult.S_OK);
        ospp.serviceValue("ClientMachineID", CMID);
        ospp.skuValue(office, "DiscoveredKeyManagementServiceMachineName", "kms2.corp.example");

        Details d = stack.licenseDetails(new InstalledProduct(
                        LicensingService.OSPP,
                        SlcDouble.OFFICE2010_APP,
                        office,
                        "Office 14, OfficeProPlus-KMS_Client edition",
                        "",
                        KeyChannel.VOLUME_GVLK,
                        Optional.of("VYBBJ")))
                .orElseThrow();

        assertThat(d.clientMachineId()).contains(CMID);
        assertThat(d.kmsHostUsed()).contains("kms2.corp.example");
        assertThat(d.applicationId()).contains(SlcDouble.OFFICE2010_APP);
    }

    private static byte[] filetime(Instant t) {
        long ticks = (t.getEpochSecond() * 10_000_000L + t.getNano() / 100) + 116_444_736_000_000_000L;
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(ticks)
                .array();
    }
}
