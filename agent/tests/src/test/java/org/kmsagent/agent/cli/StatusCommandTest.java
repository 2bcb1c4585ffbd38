package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kmsagent.agent.licensing.kmshost.RegistryDouble;
import org.kmsagent.agent.licensing.slc.HostCachingSetting;
import org.kmsagent.agent.licensing.slc.NoNativeLeaks;
import org.kmsagent.agent.licensing.slc.SlLicensingStatus;
import org.kmsagent.agent.licensing.slc.SlcDouble;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;
import picocli.CommandLine;

/** {@code kms-agent status} over the real SLC bindings and the native double, with families built in code. */
@ExtendWith(NoNativeLeaks.class)
class StatusCommandTest {
    private SlcDouble dbl;
    private UUID pro;
    private UUID enterprise;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() {
        dbl = SlcDouble.load("slc");
        pro = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Professional edition",
                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                "T83GX",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_000,
                HResult.S_OK);
        dbl.control()
                .double_set_status(
                        pro.toString(),
                        1,
                        259_000,
                        30,
                        0,
                        SlLicensingStatus.toFileTime(Instant.parse("2027-05-20T10:00:00Z")));
        dbl.skuValue(pro, "KeyManagementServiceName", "kms.corp.test");
        dbl.skuDword(pro, "KeyManagementServicePort", 1700);
        dbl.skuValue(pro, "DiscoveredKeyManagementServiceName", "kms.corp.test");
        enterprise = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Enterprise edition",
                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                "2YT43",
                "Volume:GVLK",
                LicenseStatus.INITIAL_GRACE,
                43_000,
                HResult.SL_I_OOB_GRACE_PERIOD);
        // A SKU of the application that no loaded family's catalog knows: status does not show it.
        dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), ServerStandard edition",
                "VOLUME_KMSCLIENT",
                "WX4NM",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                1,
                HResult.S_OK);
    }

    private int run(String... args) {
        CommandLine cl = TestServices.overDouble(
                        List.of(CodeFamily.windowsClient(SlcDouble.WINDOWS_APP, pro, enterprise)))
                .commandLine(Clock.systemUTC());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 1];
        full[0] = "status";
        System.arraycopy(args, 0, full, 1, args.length);
        return cl.execute(full);
    }

    @Test
    void jsonShowsTheSlmgrDlvFieldsOfEachInstalledProduct() throws Exception {
        int exit = run("--licensing", "slc", "--json");

        assertThat(exit).as(err.toString()).isZero();
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.path("stack").asText()).isEqualTo("slc");
        assertThat(root.path("machine").asText()).isEqualTo("PC-0042");
        JsonNode products = root.path("families").get(0).path("products");
        assertThat(products).hasSize(2);
        JsonNode p = products.get(0);
        assertThat(p.path("edition").asText()).isEqualTo("Windows(R), Professional edition");
        assertThat(p.path("activationId").asText()).isEqualTo(pro.toString());
        assertThat(p.path("partialProductKey").asText()).isEqualTo("T83GX");
        assertThat(p.path("channel").asText()).isEqualTo("Volume:GVLK");
        assertThat(p.path("licenseStatus").asText()).isEqualTo("Licensed");
        assertThat(p.path("validityRemainingMinutes").asLong()).isEqualTo(259_000);
        // Both keys in every product, the one that does not apply null, as windows.md says of every field: a script
        // reading both got a missing key.
        assertThat(p.has("graceRemainingMinutes")
                        && p.get("graceRemainingMinutes").isNull())
                .isTrue();
        assertThat(p.path("validUntil").asText()).isEqualTo("2027-05-20T10:00:00Z");
        assertThat(p.path("kmsSetting").path("host").asText()).isEqualTo("kms.corp.test");
        assertThat(p.path("kmsSetting").path("port").asInt()).isEqualTo(1700);
        assertThat(p.path("kmsHostInUse").asText()).isEqualTo("kms.corp.test:1688");
        assertThat(p.path("activationIntervalMinutes").asLong()).isEqualTo(120);
        assertThat(p.path("renewalIntervalMinutes").asLong()).isEqualTo(10_080);
        assertThat(p.path("lastActivationResult").isNull()).isTrue();
        JsonNode e = products.get(1);
        assertThat(e.path("licenseStatus").asText()).isEqualTo("Initial grace period");
        assertThat(e.path("graceRemainingMinutes").asLong()).isEqualTo(43_000);
        assertThat(e.has("validityRemainingMinutes")
                        && e.get("validityRemainingMinutes").isNull())
                .isTrue();
        assertThat(e.path("statusReason").path("name").asText()).isEqualTo("SL_I_OOB_GRACE_PERIOD");
        assertThat(e.path("kmsSetting").path("mode").asText()).isEqualTo("dns-discovery");
    }

    @Test
    void textReadsLikeSlmgrDlv() {
        int exit = run("--licensing", "slc");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("Licensing stack: slc - licensing=slc")
                .contains("[windows-client] Windows client")
                .contains("  Name: Windows(R), Professional edition")
                .contains("  Partial Product Key: T83GX")
                .contains("  Product Key Channel: Volume:GVLK")
                .contains("  License Status: Licensed")
                .contains("  Volume activation expiration: 259000 minute(s) (179 day(s))")
                .contains("  KMS machine: kms.corp.test:1700 (set)")
                .contains("  License Status: Initial grace period")
                .contains("  Time remaining: 43000 minute(s) (29 day(s))")
                .contains("  KMS machine: DNS discovery (no host set)")
                .doesNotContain("ServerStandard");
    }

    @Test
    void aProductWhoseStateCannotBeReadIsReportedAndTheExitCodeIsOne() {
        dbl.control().double_set_malformed("SLGetLicensingStatusInformation", 3);

        int exit = run("--licensing", "slc");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("  Error: slc SLGetLicensingStatusInformation")
                .contains("malformed answer")
                .contains("Partial Product Key: T83GX");
    }

    @Test
    void anUnknownLicensingModeIsAUsageError() {
        int exit = run("--licensing", "wmi");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("licensing must be slc, simulated or auto; got 'wmi'");
    }

    @Test
    void statusSpeaksSlmgrDlvCmidExtendedPidHostCachingTrustedTimeAndRearms() throws Exception {
        dbl.serviceValue("ClientMachineID", "6c4d2a5e-8f3b-4a51-9e0a-2b7f1c3d4e5f");
        RegistryDouble.load().double_reg_set_dword(HostCachingSetting.DISABLE_HOST_CACHING, 0);
        dbl.keyValue(pro, "DigitalPID", "03612-00206-471-000000-03-1033-19041.0000-0012021");
        dbl.skuValue(pro, "DiscoveredKeyManagementServiceMachineName", "kms.corp.test");
        dbl.skuDword(pro, "DiscoveredKeyManagementServicePort", 1700);
        dbl.skuBinary(
                pro,
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(Instant.parse("2026-11-30T08:15:30Z").getEpochSecond() * 10_000_000L
                                + 116_444_736_000_000_000L)
                        .array());
        dbl.skuDword(pro, "RemainingRearmCount", 1000);

        assertThat(run("--licensing", "slc")).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains(
                        "Application ID: " + SlcDouble.WINDOWS_APP,
                        "Extended PID: 03612-00206-471-000000-03-1033-19041.0000-0012021",
                        "Client Machine ID (CMID): 6c4d2a5e-8f3b-4a51-9e0a-2b7f1c3d4e5f",
                        "KMS machine name and port last used: kms.corp.test:1700",
                        "KMS host caching: enabled",
                        "Trusted time: 2026-11-30T08:15:30Z",
                        "Remaining rearm count: 1000");

        out.getBuffer().setLength(0);
        assertThat(run("--licensing", "slc", "--json")).as(err.toString()).isZero();
        JsonNode p = new ObjectMapper()
                .readTree(out.toString())
                .path("families")
                .get(0)
                .path("products")
                .get(0);
        assertThat(p.path("clientMachineId").asText()).isEqualTo("6c4d2a5e-8f3b-4a51-9e0a-2b7f1c3d4e5f");
        assertThat(p.path("applicationId").asText()).isEqualTo(SlcDouble.WINDOWS_APP.toString());
        assertThat(p.path("extendedPid").asText()).startsWith("03612-00206-471");
        assertThat(p.path("kmsHostCaching").asBoolean()).isTrue();
        assertThat(p.path("kmsHostLastUsed").asText()).isEqualTo("kms.corp.test");
        assertThat(p.path("kmsPortLastUsed").asInt()).isEqualTo(1700);
        assertThat(p.path("trustedTime").asText()).isEqualTo("2026-11-30T08:15:30Z");
        assertThat(p.path("remainingRearmCount").asInt()).isEqualTo(1000);
    }
}
