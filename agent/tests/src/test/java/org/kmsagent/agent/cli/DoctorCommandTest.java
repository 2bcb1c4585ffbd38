package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.RenewalConfig;
import org.kmsagent.agent.doctor.LoopbackDnsServer;
import org.kmsagent.agent.doctor.NameResolver;
import org.kmsagent.agent.licensing.slc.NoNativeLeaks;
import org.kmsagent.agent.licensing.slc.SlcDouble;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;
import picocli.CommandLine;

/**
 * {@code kms-agent doctor} over the SLC stack on the native double, a real DNS responder on 127.0.0.1 and real
 * sockets: one listening, one closed.
 */
@ExtendWith(NoNativeLeaks.class)
class DoctorCommandTest {
    /** A clock between two seconds, as a machine's is: doctor shows the time to the second. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T00:00:00.123456789Z"), ZoneOffset.UTC);

    private SlcDouble dbl;
    private LoopbackDnsServer dns;
    private ServerSocket listening;
    private int closedPort;
    private UUID pro;
    private final List<UUID> skus = new ArrayList<>();
    private StringWriter out;
    private StringWriter err;
    /** The agent's configuration doctor reads. */
    private AgentConfig config = AgentConfig.defaults();
    /** How doctor resolves host names: the system's resolver, which takes the address literals used here as is. */
    private NameResolver.Lookup names = InetAddress::getByName;

    @BeforeEach
    void setUp() throws Exception {
        dbl = SlcDouble.load("slc");
        dns = new LoopbackDnsServer();
        listening = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // bound, then closed: nothing listens there any more
        }
        pro = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Professional edition",
                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                "T83GX",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_000,
                HResult.S_OK);
        skus.add(pro);
    }

    @AfterEach
    void tearDown() throws Exception {
        dns.close();
        listening.close();
    }

    private int run(String... args) {
        return runAsking(dns.address(), args);
    }

    /** {@code doctor} with {@code --dns-server server}. */
    private int runAsking(String server, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = TestServices.overDouble(
                        List.of(CodeFamily.windowsClient(SlcDouble.WINDOWS_APP, skus.toArray(UUID[]::new))))
                .withConfig(config)
                .commandLine(CLOCK, names);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> full = new ArrayList<>(
                List.of("doctor", "--licensing", "slc", "--dns-server", server, "--timeout-ms", "1000"));
        full.addAll(List.of(args));
        return cl.execute(full.toArray(String[]::new));
    }

    @Test
    void namesTheMissingSrvRecordOfTheMachinesDomain() {
        int exit = run("--domain", "corp.test");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("DNS discovery in corp.test (given with --domain)")
                .contains("FAIL kms-srv            _vlmcs._tcp.corp.test: no SRV record _vlmcs._tcp.corp.test")
                .contains("0x8007232B DNS_ERROR_RCODE_NAME_ERROR")
                .contains("fix: No _vlmcs._tcp SRV record was found");
        assertThat(dns.queries()).isPositive();
    }

    @Test
    void aDomainThatIsNoneIsAUsageErrorBeforeAnyQuery() {
        // As set-kms --dns refuses it; doctor looked up '_vlmcs._tcp.bad domain!' and blamed DNS for the answer.
        for (String bad : List.of("bad domain!", "a..b", "-lead.example")) {
            int exit = run("--domain", bad);

            assertThat(exit).as(bad).isEqualTo(2);
            assertThat(err.toString())
                    .as(bad)
                    .contains("--domain '" + bad + "': a DNS domain is labels of letters, digits, hyphens and");
        }
        assertThat(dns.queries()).isZero();
    }

    @Test
    void aDnsServerNameThatDoesNotResolveIsNamedAsSuchNotAsAMissingRecord() {
        // A resolver that knows no such name (as .invalid never resolves, RFC 6761), without asking the machine's DNS.
        names = host -> {
            throw new UnknownHostException(host);
        };
        int exit = runAsking("nonsense.invalid", "--domain", "corp.test");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL kms-srv            _vlmcs._tcp.corp.test: not looked up: the DNS server name"
                        + " 'nonsense.invalid' given with --dns-server could not be resolved to an address")
                .contains("fix: give the DNS server as an IP address (--dns-server 10.0.0.53 or 10.0.0.53:53)")
                .doesNotContain("no SRV record");
        assertThat(dns.queries()).isZero();
    }

    @Test
    void aConfiguredLookupDomainWinsOverTheMachinesDomain() {
        dbl.skuValue(pro, "KeyManagementServiceLookupDomain", "kms.example");
        dns.srv("_vlmcs._tcp.kms.example", new SrvRecord(0, 0, listening.getLocalPort(), "127.0.0.1"));

        int exit = run("--domain", "corp.test");

        assertThat(out.toString())
                .contains("DNS discovery in kms.example (the configured lookup domain)")
                .contains("OK   kms-srv")
                .contains("OK   kms-port           127.0.0.1:" + listening.getLocalPort() + ": TCP 127.0.0.1:"
                        + listening.getLocalPort() + " accepts connections (connect only, nothing sent)");
        assertThat(exit).as(out.toString()).isZero();
    }

    @Test
    void namesTheClosedPortOfAHostFoundThroughDns() {
        dns.srv("_vlmcs._tcp.corp.test", new SrvRecord(0, 0, closedPort, "127.0.0.1"));

        int exit = run("--domain", "corp.test");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("OK   kms-srv")
                .contains("FAIL kms-port           127.0.0.1:" + closedPort + ": TCP 127.0.0.1:" + closedPort
                        + " refused the connection")
                .contains("fix: open TCP " + closedPort + " in the host's firewall");
    }

    @Test
    void probesTheHostRenewalKmsGivesWhichTheAgentSetsAtItsStart() {
        // The MSI's KMS=, tried with doctor before a rollout as windows.md says: doctor probed the machine's current
        // setting (here DNS discovery) and never the host the service would point the products at.
        config = new AgentConfig(
                null,
                null,
                null,
                null,
                null,
                new RenewalConfig("127.0.0.1:" + closedPort, null, null, null, null),
                null);

        int exit = run("--domain", "corp.test");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("renewal.kms gives 127.0.0.1:" + closedPort + ", which the agent sets when it starts (the"
                        + " machine's setting now: DNS discovery); checked below")
                .contains("pinned to 127.0.0.1:" + closedPort)
                .contains("FAIL kms-port           127.0.0.1:" + closedPort)
                .doesNotContain("kms-srv");
        assertThat(dns.queries()).isZero();
    }

    @Test
    void namesTheClosedPortOfAPinnedHost() {
        dbl.skuValue(pro, "KeyManagementServiceName", "127.0.0.1");
        dbl.skuDword(pro, "KeyManagementServicePort", closedPort);

        int exit = run("--json");

        assertThat(exit).isEqualTo(1);
        JsonNode port = finding("kms-port");
        assertThat(port.path("verdict").asText()).isEqualTo("FAIL");
        assertThat(port.path("subject").asText()).isEqualTo("127.0.0.1:" + closedPort);
        assertThat(finding("kms-host").path("detail").asText())
                .isEqualTo("pinned to 127.0.0.1:" + closedPort + " (slmgr /skms)");
    }

    @Test
    void flagsAMakWhereKmsNeedsAGvlk() throws Exception {
        UUID mak = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Enterprise edition",
                "Windows(R) Operating System, VOLUME_MAK channel",
                "3V66T",
                "Volume:MAK",
                LicenseStatus.INITIAL_GRACE,
                40_000,
                HResult.SL_I_OOB_GRACE_PERIOD);
        skus.add(mak);
        dns.srv("_vlmcs._tcp.corp.test", new SrvRecord(0, 0, listening.getLocalPort(), "127.0.0.1"));

        int exit = run("--domain", "corp.test", "--json");

        assertThat(exit).isEqualTo(1);
        JsonNode channel = findings().stream()
                .filter(f -> f.path("check").asText().equals("key-channel")
                        && f.path("verdict").asText().equals("FAIL"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(out));
        assertThat(channel.path("subject").asText()).isEqualTo("windows-client: Windows(R), Enterprise edition");
        assertThat(channel.path("detail").asText())
                .contains("a MAK is installed (Volume:MAK, key ending 3V66T)")
                .contains("KMS activation needs a GVLK");
        assertThat(channel.path("fix").asText()).contains("the edition's GVLK XXXXX-XXXXX-XXXXX-XXXXX-2YT43");
        assertThat(out.toString()).doesNotContain("NPPR9"); // keys never appear whole
        // The stack and why, in the two fields status --json gives them in (doctor put both in one line).
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.path("stack").asText()).isEqualTo("slc");
        assertThat(root.path("stackReason").asText()).startsWith("licensing=slc:");
    }

    @Test
    void explainsTheLastResultAndItsUsualFix() throws Exception {
        dbl.control()
                .double_set_status(pro.toString(), 3, 0, 30, HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE.code(), 0);
        dns.srv("_vlmcs._tcp.corp.test", new SrvRecord(0, 0, listening.getLocalPort(), "127.0.0.1"));

        int exit = run("--domain", "corp.test");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL license-status")
                .contains("Notification; reason 0xC004F074")
                .contains("fix: Every host tried returned an error");
    }

    @Test
    void explainsTheServicesLastActivationAttempt() {
        dbl.control().double_set_status(pro.toString(), 2, 40_000, 30, HResult.SL_I_OOB_GRACE_PERIOD.code(), 0);
        dbl.lastAttempt(pro, HResult.SL_E_VL_NOT_ENOUGH_COUNT);
        dns.srv("_vlmcs._tcp.corp.test", new SrvRecord(0, 0, listening.getLocalPort(), "127.0.0.1"));

        int exit = run("--domain", "corp.test");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("the last activation failed: 0xC004F038 SL_E_VL_NOT_ENOUGH_COUNT")
                .contains("fix: Fewer unique clients than the threshold (25 client / 5 server / 5 Office)");
    }

    @Test
    void aRefusedTimestampTurnsTheClockCheckIntoAFailure() {
        dbl.control().double_set_status(pro.toString(), 2, 100, 30, HResult.SL_E_VL_INVALID_TIMESTAMP.code(), 0);

        run("--domain", "corp.test");

        assertThat(out.toString())
                .contains("FAIL clock              machine: a KMS host refused this machine's request"
                        + " timestamp; local UTC time is 2026-11-29T00:00:00Z")
                .doesNotContain("00:00:00.123")
                .contains("fix: Client and host UTC clocks differ by more than 4 hours");
    }

    @Test
    void selfTestPassesEveryBindingAgainstTheDouble() {
        dbl.control().double_set_value(2, SlcDouble.WINDOWS_APP.toString(), "IsKeyManagementService", 4, "", 0);
        dbl.control().double_set_value(3, null, "Version", 1, "10.0.19041.1", 0);

        int exit = run("--self-test");

        assertThat(exit).as(out.toString() + err).isZero();
        assertThat(squeezed())
                .contains("PASS slc load slc")
                .contains("PASS slc SLOpen")
                .contains("PASS slc SLGetSLIDList(app->sku) 1 SKU(s) of application " + SlcDouble.WINDOWS_APP)
                .contains("PASS slc SLGetProductSkuInformation Name = Windows(R), Professional edition")
                .contains("PASS slc SLGetInstalledProductKeyIds 1 key id(s)")
                .contains("PASS slc SLGetPKeyInformation Channel = Volume:GVLK")
                .contains("PASS slc SLGetLicensingStatusInformation")
                .contains("PASS slc SLGetApplicationInformation IsKeyManagementService = 0")
                .contains("PASS slc SLGetServiceInformation Version = 10.0.19041.1")
                .contains("PASS slc SLGetGenuineInformation SL_LAST_ACT_ATTEMPT_HRESULT = (absent)")
                .contains("PASS slc SLClose")
                .contains("PASS osppc SLOpen")
                .contains("Self-test passed.");
    }

    @Test
    void selfTestReportsAFailingBindingAndExitsOne() {
        dbl.control().double_set_error("SLGetLicensingStatusInformation", HResult.E_ACCESSDENIED.code());

        int exit = run("--self-test");

        assertThat(exit).isEqualTo(1);
        assertThat(squeezed())
                .contains("FAIL slc SLGetLicensingStatusInformation")
                .contains("0x80070005 E_ACCESSDENIED")
                .contains("PASS slc SLClose")
                .contains("Self-test FAILED.");
    }

    @Test
    void selfTestOffWindowsWithoutALibraryPathSaysItNeedsWindows() {
        String saved = System.clearProperty("jna.library.path");
        try {
            int exit = run("--self-test");
            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("needs Windows").contains("-Djna.library.path=DIR");
            assertThat(out.toString()).isEmpty();
        } finally {
            System.setProperty("jna.library.path", saved);
        }
    }

    @Test
    void aBadDnsServerIsAUsageError() {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = TestServices.overDouble(List.of()).commandLine(CLOCK);
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("doctor", "--licensing", "slc", "--dns-server", "127.0.0.1:99999");
        assertThat(exit).isEqualTo(2);
        // Refused while the command line is read: nothing is probed or printed before it.
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString())
                .startsWith("kms-agent: --dns-server: expected HOST, HOST:PORT or [IPv6]:PORT, got '127.0.0.1:99999'"
                        + " (port: expected a whole number 1-65535, got 99999)");
    }

    /** The output with runs of spaces squeezed, so assertions do not depend on column widths. */
    private String squeezed() {
        return out.toString().replaceAll(" +", " ");
    }

    private List<JsonNode> findings() {
        try {
            List<JsonNode> list = new ArrayList<>();
            new ObjectMapper().readTree(out.toString()).path("findings").forEach(list::add);
            return list;
        } catch (Exception e) {
            throw new AssertionError(out.toString(), e);
        }
    }

    private JsonNode finding(String check) {
        return findings().stream()
                .filter(f -> f.path("check").asText().equals(check))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + check + " in " + out));
    }
}
