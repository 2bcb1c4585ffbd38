package org.kmsagent.agent.licensing.wmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;

/**
 * The WMI writer's own COM mapping, run against the gcc-built double of ole32, oleaut32 and the WMI objects
 * (src/test/c/wmidouble.c): the vtable slots, GUIDs, BSTRs and VARIANTs it passes are what wbemcli.h declares, every
 * object and string it gets is released, and an SPP failure comes back as the method's HRESULT.
 */
class WmiLicensingWriterTest {
    private static final String LIBRARY = "wmidouble";
    private static final UUID SKU = UUID.fromString("73111121-5638-40f6-bc11-f1d7b0d64300");

    /** The double's scripting exports. */
    interface Control extends Library {
        void wmi_double_reset();

        void wmi_double_set_method_result(int hr);

        void wmi_double_set_found(int found);

        String wmi_double_log();

        int wmi_double_live();
    }

    private Control control;
    private WmiLicensingWriter writer;

    @BeforeEach
    void loadDouble() {
        String dir = System.getProperty("jna.library.path", "");
        Path file = Path.of(dir, "lib" + LIBRARY + ".so");
        assumeTrue(
                !dir.isEmpty() && Files.isRegularFile(file),
                "native WMI double " + file + " not built (gcc absent, profile native-double inactive): skipping");
        control = Native.load(LIBRARY, Control.class);
        control.wmi_double_reset();
        writer = new WmiLicensingWriter(LIBRARY, LIBRARY);
    }

    @Test
    void setsTheKmsMachineOnTheProductItsQueryFinds() throws Exception {
        writer.setKmsMachine(LicensingService.SPP, SKU, "kms.example.test");

        assertThat(control.wmi_double_log()).isEqualTo("""
                        CoInitializeEx null 0
                        CoCreateInstance 4590f811-1d3a-11d0-891f-00aa004b2e24 dc12a687-737f-11cf-884d-00aa004b2e24 ctx=1
                        ConnectServer ROOT\\CIMV2 user=null password=null locale=null flags=0 authority=null ctx=null
                        CoSetProxyBlanket services 10 0 null 3 3 null 0
                        ExecQuery WQL [SELECT ID FROM SoftwareLicensingProduct WHERE ID='73111121-5638-40f6-bc11-f1d7b0d64300'] flags=0x30
                        Next timeout=-1 count=1
                        Get __PATH on instance flags=0
                        GetObject SoftwareLicensingProduct flags=0
                        GetMethod SetKeyManagementServiceMachine on class flags=0
                        SpawnInstance on signature flags=0
                        Put MachineName=BSTR(32 bytes):kms.example.test on parameters flags=0 type=0
                        ExecMethod [path of SELECT ID FROM SoftwareLicensingProduct WHERE ID='73111121-5638-40f6-bc11-f1d7b0d64300'] SetKeyManagementServiceMachine flags=0 in=MachineName=BSTR(32 bytes):kms.example.test
                        CoUninitialize
                        """);
        assertThat(control.wmi_double_live()).as("COM objects and BSTRs left").isZero();
    }

    @Test
    void passesIntegersAndBooleansAsTheirVariantTypes() throws Exception {
        writer.setKmsPort(LicensingService.OSPP, SKU, 1688);
        writer.setKmsHostCaching(LicensingService.SPP, false);

        assertThat(control.wmi_double_log())
                .contains("ExecQuery WQL [SELECT ID FROM OfficeSoftwareProtectionProduct WHERE ID='" + SKU + "']")
                .contains("in=PortNumber=I4:1688")
                .contains("ExecQuery WQL [SELECT Version FROM SoftwareLicensingService]")
                .contains("ExecMethod [path of SELECT Version FROM SoftwareLicensingService]"
                        + " DisableKeyManagementServiceHostCaching flags=0 in=DisableCaching=BOOL:-1")
                .doesNotContain("unexpected");
        assertThat(control.wmi_double_live()).as("COM objects and BSTRs left").isZero();
    }

    @Test
    void callsAMethodWithoutParametersWithNoInputObject() throws Exception {
        writer.activate(LicensingService.SPP, SKU);

        assertThat(control.wmi_double_log()).doesNotContain("GetMethod").contains("] Activate flags=0 in=null\n");
        assertThat(control.wmi_double_live()).isZero();
    }

    @Test
    void anSppFailureIsTheMethodsHresult() {
        control.wmi_double_set_method_result(0xC004F074);
        ProductKey key = ProductKey.parse("W269N-WFGWX-YVC9B-4J6C9-T83GX");

        assertThatThrownBy(() -> writer.installProductKey(LicensingService.SPP, key))
                .isInstanceOfSatisfying(
                        LicensingException.class, e -> assertThat(e.hresult()).isEqualTo(HResult.of(0xC004F074)));
        assertThat(control.wmi_double_log()).endsWith("CoUninitialize\n");
        assertThat(control.wmi_double_live())
                .as("released on the failure path too")
                .isZero();
    }

    @Test
    void aProductWmiDoesNotListIsNotInstalled() {
        control.wmi_double_set_found(0);

        assertThatThrownBy(() -> writer.clearKmsMachine(LicensingService.SPP, SKU))
                .isInstanceOfSatisfying(
                        LicensingException.class,
                        e -> assertThat(e.hresult()).isEqualTo(HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED));
        assertThat(control.wmi_double_log()).doesNotContain("ExecMethod");
        assertThat(control.wmi_double_live()).isZero();
    }
}
