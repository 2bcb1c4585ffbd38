package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.slc.RecordingLicensingWriter;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcDouble;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.windows.WindowsLicensingModule;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.WindowsVersion;

/**
 * An agent on Windows' own licensing stack (the gcc-built slc.dll and osppc.dll doubles) reports the CMIDs Windows
 * gives it, so the hubs' {@code fleet duplicates} can find machines cloned without {@code sysprep /generalize}.
 */
class WindowsCmidsIT {
    private static final String WINDOWS_CMID = "6C4D2A5E-8F3B-4A51-9E0A-2B7F1C3D4E5F";
    private static final String WINDOWS_CMID_COMPARED = "6c4d2a5e-8f3b-4a51-9e0a-2b7f1c3d4e5f";
    private static final String OFFICE_CMID = "0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e";

    @TempDir
    Path dir;

    /**
     * The class path's modules with Windows' stack over the doubles: SLC reads through the gcc-built libraries, and
     * writes (which need WMI, refused off Windows) are recorded.
     */
    private static List<Module> windowsStack() {
        List<Module> modules = new ArrayList<>(DaemonWiring.classPathModules());
        modules.removeIf(WindowsLicensingModule.class::isInstance);
        modules.add(new AbstractModule() {
            @Override
            protected void configure() {
                LicensingStacks.Binding.of(binder())
                        .addBinding("slc")
                        .toInstance(() -> new SlcLicensingStack(
                                SlcClient::forService,
                                new RecordingLicensingWriter(),
                                "PC-0042",
                                WindowsVersion.WINDOWS_10));
            }
        });
        return modules;
    }

    @Test
    void eachLicensingServicesCmidIsReportedInTheFormTheHubsCompare() throws Exception {
        SlcDouble spp = SlcDouble.load("slc");
        SlcDouble ospp = SlcDouble.load("osppc");
        spp.addProduct(
                SlcDouble.WINDOWS_APP,
                TestFamilies.skuId("windows-client", "Windows 11 Enterprise"),
                "Windows(R), Enterprise edition",
                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                "2YT43",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_000,
                HResult.S_OK);
        // As SLGetServiceInformation may give it: braces, upper case.
        spp.serviceValue("ClientMachineID", "{" + WINDOWS_CMID + "}");
        ospp.addProduct(
                SlcDouble.OFFICE2010_APP,
                TestFamilies.skuId("office2010", "Office 2010 Professional Plus"),
                "Office 14, OfficeProPlus-KMS_Client edition",
                "Office 14, VOLUME_KMSCLIENT channel",
                "VYBBJ",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_000,
                HResult.S_OK);
        ospp.serviceValue("ClientMachineID", OFFICE_CMID);

        try (LiveFixture agent = LiveFixture.start(windowsStack(), dir, "licensing=slc")) {
            assertThat(agent.agent.clientMachineIds()).containsExactlyInAnyOrder(WINDOWS_CMID_COMPARED, OFFICE_CMID);

            // Windows changes a CMID only at sysprep /generalize or a rearm, each finished by a restart: the one
            // read is kept, not asked for at every fleet refresh.
            spp.serviceValue("ClientMachineID", "11111111-2222-3333-4444-555555555555");
            assertThat(agent.agent.clientMachineIds()).contains(WINDOWS_CMID_COMPARED);
        }
    }

    @Test
    void aMachineWithoutProductsReportsNoCmidRatherThanFailing() throws Exception {
        SlcDouble.load("slc").serviceValue("ClientMachineID", WINDOWS_CMID);
        SlcDouble.load("osppc");

        try (LiveFixture agent = LiveFixture.start(windowsStack(), dir, "licensing=slc")) {
            assertThat(agent.agent.clientMachineIds()).isEmpty();
        }
    }
}
