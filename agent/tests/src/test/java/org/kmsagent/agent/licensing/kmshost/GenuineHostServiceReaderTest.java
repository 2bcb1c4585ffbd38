package org.kmsagent.agent.licensing.kmshost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.host.GenuineHostService;
import org.kmsagent.agent.licensing.slc.RecordingLicensingWriter;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcDouble;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.WindowsVersion;

/**
 * The genuine host's settings read from the registry and its host keys and license packs from SLC, through the real
 * JNA bindings against the gcc-built doubles of RegGetValueW and slc.dll.
 */
class GenuineHostServiceReaderTest {
    private static final List<UUID> APPS = List.of(
            KmsRules.WINDOWS_APPLICATION, KmsRules.OFFICE_2013_AND_LATER_APPLICATION, KmsRules.OFFICE_2010_APPLICATION);

    private RegistryDouble registry;
    private SlcDouble slc;
    private GenuineHostServiceReader reader;

    @BeforeEach
    void setUp() {
        registry = RegistryDouble.load();
        slc = SlcDouble.load("slc");
        SlcLicensingStack stack = new SlcLicensingStack(
                SlcClient::forService, new RecordingLicensingWriter(), "KMS01", WindowsVersion.WINDOWS_10);
        reader = GenuineHostServiceReader.forLibrary(RegistryDouble.LIBRARY, stack);
    }

    @Test
    void aHostOnPort1700WithoutDnsPublishingAndShortIntervalsShowsThemAndItsTwoHostKeys() {
        registry.double_reg_set_sz("KeyManagementServiceListeningPort", "1700");
        registry.double_reg_set_dword("DisableDnsPublishing", 1);
        registry.double_reg_set_dword("VLActivationInterval", 60);
        registry.double_reg_set_dword("VLRenewalInterval", 10_080);
        registry.double_reg_set_multi_sz("DnsDomainPublishList", "branch.example,10,20|lab.example");
        slc.addProduct(
                KmsRules.WINDOWS_APPLICATION,
                "Windows(R), ServerStandard edition",
                "Windows(R) Operating System, VOLUME_KMS_WS2022 channel",
                "7QX4K",
                "Volume:CSVLK",
                LicenseStatus.LICENSED,
                0,
                HResult.S_OK);
        slc.addProduct(
                KmsRules.WINDOWS_APPLICATION,
                "Windows(R), ServerStandard edition",
                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                "VDYBN",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                0,
                HResult.S_OK);
        slc.addProduct(
                KmsRules.OFFICE_2013_AND_LATER_APPLICATION,
                "Office 21, Office21KMSHostVL_KMS_Host edition",
                "Office 21, VOLUME_KMS channel",
                "RC2WM",
                "Volume:CSVLK",
                LicenseStatus.LICENSED,
                0,
                HResult.S_OK);

        GenuineHostService s = reader.read(APPS);

        assertThat(s.errors()).isEmpty();
        assertThat(s.listeningPort()).isEqualTo(1700);
        assertThat(s.dnsPublishing()).isFalse();
        assertThat(s.activationIntervalMinutes()).isEqualTo(60);
        assertThat(s.renewalIntervalMinutes()).isEqualTo(10_080);
        assertThat(s.publishedDomains())
                .containsExactly(
                        new GenuineHostService.PublishedDomain("branch.example", 10, 20),
                        new GenuineHostService.PublishedDomain("lab.example", 0, 0));
        assertThat(s.defaulted())
                .containsExactlyInAnyOrder("EnableKmsLowPriority", "DisableKeyManagementServiceHostCaching");
        // The KMS client licence (VOLUME_KMSCLIENT) is not a host key.
        assertThat(s.hostKeys())
                .extracting(GenuineHostService.InstalledHostKey::partialKey)
                .containsExactly("7QX4K", "RC2WM");
        assertThat(s.hostKeys())
                .extracting(GenuineHostService.InstalledHostKey::channel)
                .containsOnly("Volume:CSVLK");
        assertThat(s.licensePacks()).singleElement().satisfies(p -> {
            assertThat(p.name()).contains("KMSHostVL");
            assertThat(p.hostKeyInstalled()).isTrue();
        });
    }

    @Test
    void absentValuesAreWindowsDefaults() {
        GenuineHostService s = reader.read(APPS);

        assertThat(s.errors()).isEmpty();
        assertThat(s.listeningPort()).isEqualTo(1688);
        assertThat(s.dnsPublishing()).isTrue();
        assertThat(s.lowPriority()).isFalse();
        assertThat(s.hostCaching()).isTrue();
        assertThat(s.activationIntervalMinutes()).isEqualTo(120);
        assertThat(s.renewalIntervalMinutes()).isEqualTo(10_080);
        assertThat(s.defaulted())
                .contains(
                        "KeyManagementServiceListeningPort",
                        "DisableDnsPublishing",
                        "VLActivationInterval",
                        "VLRenewalInterval");
        assertThat(s.hostKeys()).isEmpty();
    }

    @Test
    void aFailingReadIsReportedAndTheRestStillRead() {
        registry.double_reg_set_sz("KeyManagementServiceListeningPort", "1700");
        registry.double_reg_set_error("VLActivationInterval", 5); // ERROR_ACCESS_DENIED
        slc.control().double_set_error("SLGetSLIDList", HResult.E_ACCESSDENIED.code());

        GenuineHostService s = reader.read(APPS);

        assertThat(s.listeningPort()).isEqualTo(1700);
        assertThat(s.activationIntervalMinutes()).isEqualTo(120);
        assertThat(s.errors())
                .anySatisfy(e -> assertThat(e).contains("VLActivationInterval", "Win32 error 5"))
                .anySatisfy(e -> assertThat(e).startsWith("host keys of application 55c92734"));
    }

    @Test
    void whereNeitherTheRegistryNorSlcCanBeLoadedTheReaderSaysWhy() {
        GenuineHostServiceReader none = GenuineHostServiceReader.forLibrary("no-such-registry-library", null);
        assertThat(none.available()).isFalse();
        assertThat(none.unavailableReason()).contains("no-such-registry-library");
    }
}
