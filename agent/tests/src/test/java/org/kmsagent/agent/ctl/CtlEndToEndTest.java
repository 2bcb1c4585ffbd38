package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.InMemoryAgent;
import org.kmsagent.agent.cli.KmsAgentCommand;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;
import org.kmsagent.api.KmsEndpoint;
import picocli.CommandLine;

/** Every {@code kms-agent ctl} command against a real daemon and TLS bridge on 127.0.0.1. */
class CtlEndToEndTest {
    @TempDir
    static Path dir;

    static AgentFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = AgentFixture.start(dir.resolve("data"));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void statusPrintsEachProductWithItsState() {
        Result r = fixture.ctlAdmin("status");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("FAMILY", "windows-client", "Windows 7 Enterprise", "office2013");
    }

    /** An agent over an empty plugins folder: the bare table header read as "all is well". */
    @Test
    void statusOfAnAgentWithNoProductSaysSoUnderTheHeader() throws Exception {
        assertThat(fixture.ctlAdmin("status").out()).doesNotContain("No product");
        try (AgentFixture none = AgentFixture.start(dir.resolve("no-products"))) {
            none.agent.plugins().forEach(p -> none.agent.unloadPlugin(p.id()));
            Result r = none.ctlAdmin("status");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out())
                    .contains(
                            "FAMILY",
                            "No product: the agent has no product family loaded, or none of its families'"
                                    + " products is installed here ('ctl plugins' lists what is loaded).");
        }
    }

    @Test
    void statusAsJsonIsTheAgentsReply() {
        Result r = fixture.ctl(AgentFixture.READ_TOKEN, "--json", "status");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonObject reply = new JsonObject(r.out());
        assertThat(reply.getJsonArray("products")).hasSize(2);
        assertThat(reply.getJsonArray("products").getJsonObject(0).getString("skuId"))
                .isEqualTo("ae2ee509-1b34-41c0-acb7-6d4650168915");
    }

    @Test
    void hostShowsPoolCountsAgainstThresholdsAndTheLedger() {
        Result r = fixture.ctlAdmin("host");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains(
                        "host role: on",
                        "windows-client",
                        "26",
                        "client 25 met",
                        "server 5 met",
                        "ledger: 1 client(s)");
        // The ledger counts CMIDs per pool: its table named the CMID a client and showed an SKU column of dashes.
        assertThat(r.out()
                        .lines()
                        .dropWhile(l -> !l.startsWith("ledger: "))
                        .skip(1)
                        .findFirst())
                .hasValueSatisfying(header ->
                        assertThat(header.split("\\s+")).containsExactly("CMID", "APPLICATION", "LAST", "SEEN"));
    }

    /** With the role off it printed "host role: off" above an empty pools table and "ledger: 0 client(s)". */
    @Test
    void hostWithTheRoleOffSaysSoAndNothingElse() {
        fixture.agent.hostRoleOff();
        try {
            Result r = fixture.ctlAdmin("host");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).isEqualTo("host role: off (host.enabled: false)" + System.lineSeparator());
        } finally {
            fixture.agent.hostRoleOn();
        }
    }

    @Test
    void installGvlkThenActivateLicensesTheFamily() {
        Result install = fixture.ctlAdmin("install-gvlk", "--family", "windows-client");
        assertThat(install.exit()).as(install.toString()).isZero();
        assertThat(install.out())
                .contains("windows-client", "ok", "XXXXX-XXXXX-XXXXX-XXXXX-HVTHH")
                .doesNotContain("33PXH-7Y6KF");
        assertThat(fixture.agent.product("windows-client").partialKey).isEqualTo("HVTHH");

        Result activate = fixture.ctlAdmin("activate", "--family", "windows-client");
        assertThat(activate.exit()).as(activate.toString()).isZero();
        assertThat(fixture.agent.product("windows-client").status).isEqualTo("LICENSED");
        Result status = fixture.ctlAdmin("status");
        assertThat(status.out()).contains("LICENSED", "XXXXX-XXXXX-XXXXX-XXXXX-HVTHH");
        // Every time of the table to the second, as VALID UNTIL always was; the reply keeps them as the agent has them.
        JsonObject product = new JsonObject(fixture.ctlAdmin("--json", "status").out())
                .getJsonArray("products")
                .getJsonObject(0);
        assertThat(product.getString("validUntil")).isNotNull();
        // This agent runs no renewal loop, so it has no next attempt; CtlShownTimeTest shows one's fraction dropped.
        for (String time : List.of("validUntil", "nextAttempt")) {
            if (product.getString(time) == null) {
                continue;
            }
            assertThat(status.out())
                    .contains(Instant.parse(product.getString(time))
                            .truncatedTo(ChronoUnit.SECONDS)
                            .toString());
        }
        assertThat(status.out()).doesNotContainPattern(":\\d{2}\\.\\d+Z");
    }

    @Test
    void installGvlkWithAGivenKeyNeedsAFamilyAndAValidKey() {
        assertThat(fixture.ctlAdmin("install-gvlk", "--key", "YC7DK-G2NP3-2QQC3-J6H88-GVGXT")
                        .exit())
                .isEqualTo(2);
        int before = fixture.agent.changes();
        Result bad = fixture.ctlAdmin("install-gvlk", "--family", "office2013", "--key", "AAAAA-BBBBB");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("key:", "code 400").doesNotContain("AAAAA-BBBBB");
        assertThat(fixture.agent.changes()).isEqualTo(before);
    }

    @Test
    void anActionThatMatchesNoProductIsNotDone() {
        // A script running install-gvlk --family windows-server on every machine must tell the clients apart.
        for (String action : List.of("install-gvlk", "activate")) {
            Result text = fixture.ctlAdmin(action, "--family", InMemoryAgent.FAMILY_WITHOUT_PRODUCT);
            assertThat(text.exit()).as(text.toString()).isEqualTo(1);
            assertThat(text.out()).as(action).isEmpty();
            assertThat(text.err()).as(action).contains("no product matched --family windows-server: nothing was done");
            Result json = fixture.ctlAdmin("--json", action, "--family", InMemoryAgent.FAMILY_WITHOUT_PRODUCT);
            assertThat(json.exit()).as(json.toString()).isEqualTo(1);
            assertThat(new JsonObject(json.out()).getJsonArray("results")).isEmpty();
        }
    }

    @Test
    void activatingAnUnknownFamilyIsAnErrorAnswerAndChangesNothing() {
        int before = fixture.agent.changes();
        Result r = fixture.ctlAdmin("activate", "--family", "office2099");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("unknown family: office2099", "code 404");
        assertThat(fixture.agent.changes()).isEqualTo(before);
    }

    @Test
    void setKmsPinsAHostAndClearKmsForgetsIt() {
        Result set = fixture.ctlAdmin("set-kms", "--family", "office2013", "kms.corp.example:1700");
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(set.out()).contains("KMS for office2013: kms.corp.example:1700");
        assertThat(fixture.agent.kms("office2013")).contains(KmsEndpoint.host("kms.corp.example", 1700));

        Result clear = fixture.ctlAdmin("clear-kms", "--family", "office2013");
        assertThat(clear.exit()).as(clear.toString()).isZero();
        assertThat(fixture.agent.kms("office2013")).isEmpty();
    }

    @Test
    void anIpv6KmsHostIsShownInBracketsAsCtlTakesIt() {
        Result set = fixture.ctlAdmin("set-kms", "--family", "office2013", "[::1]:1688");
        try {
            assertThat(set.exit()).as(set.toString()).isZero();
            assertThat(set.out()).contains("KMS for office2013: [::1]:1688");
            Result status = fixture.ctlAdmin("status");
            assertThat(status.out()).contains("[::1]:1688").doesNotContain(" ::1:1688");
        } finally {
            fixture.ctlAdmin("clear-kms", "--family", "office2013");
        }
    }

    @Test
    void aTokenFileSavedByNotepadWithAByteOrderMarkIsAccepted() throws Exception {
        Path file = dir.resolve("notepad.token");
        Files.write(
                file, ("\uFEFF" + AgentFixture.READ_TOKEN + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Result r = AgentFixture.run(
                "ctl",
                "--agent",
                "127.0.0.1:" + fixture.daemon.bridgePort(),
                "--trust",
                fixture.daemon.fingerprint(),
                "--token-file",
                file.toString(),
                "status");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("windows-client");
    }

    @Test
    void setKmsDnsSwitchesToDiscoveryInADomain() {
        Result r = fixture.ctlAdmin("set-kms", "--dns", "corp.example");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(fixture.agent.kms("*")).contains(KmsEndpoint.discovery("corp.example"));
        fixture.ctlAdmin("clear-kms");
        assertThat(fixture.agent.kms("*")).isEmpty();
    }

    @Test
    void setKmsDnsWithADomainThatIsNotOneIsAUsageErrorAndChangesNothing() {
        // It used to be accepted ("KMS for all families: DNS discovery in bad domain!") and renewals then failed.
        Result r = fixture.ctlAdmin("set-kms", "--dns", "bad domain!");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("'bad domain!': " + HostPort.DOMAIN_RULE);
        assertThat(fixture.agent.kms("*")).isEmpty();
    }

    @Test
    void setKmsWithABadPortIsAUsageError() {
        Result r = fixture.ctlAdmin("set-kms", "kms.corp.example:99999");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'kms.corp.example:99999': port: expected a whole number 1-65535, got 99999");
    }

    @Test
    void pluginsListLoadUnloadRescan() throws Exception {
        Result list = fixture.ctlAdmin("plugins", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("windows-client", "STARTED");
        // Alone, it lists (it was a usage error).
        Result alone = fixture.ctlAdmin("plugins");
        assertThat(alone.exit()).as(alone.toString()).isZero();
        assertThat(alone.out()).isEqualTo(list.out());

        Path jar =
                Files.writeString(dir.resolve("office2016-plugin.jar"), "not really a jar; the fake host only looks");
        Result load = fixture.ctlAdmin("plugins", "load", jar.toString());
        assertThat(load.exit()).as(load.toString()).isZero();
        assertThat(load.out()).contains("office2016", "STARTED");

        Result unload = fixture.ctlAdmin("plugins", "unload", "office2016");
        assertThat(unload.exit()).as(unload.toString()).isZero();
        assertThat(fixture.ctlAdmin("plugins", "rescan").out()).doesNotContain("office2016");

        Result unknown = fixture.ctlAdmin("plugins", "unload", "office2016");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown plugin");
        assertThat(fixture.ctlAdmin("plugins", "frobnicate").exit()).isEqualTo(2);
        // A word after list or rescan was ignored: 'rescan office2010' rescanned every jar, exit 0.
        int before = fixture.agent.changes();
        Result rescanOne = fixture.ctlAdmin("plugins", "rescan", "office2010");
        assertThat(rescanOne.exit()).isEqualTo(2);
        assertThat(rescanOne.err()).contains("plugins rescan takes no argument, got 'office2010'", "plugins load JAR");
        assertThat(fixture.ctlAdmin("plugins", "list", "extra").exit()).isEqualTo(2);
        assertThat(fixture.agent.changes()).isEqualTo(before);
    }

    @Test
    void watchReceivesTheEventsOfAnActivation() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            Future<Integer> watch = pool.submit(() -> {
                CommandLine cl = KmsAgentCommand.commandLine();
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                var argv = new ArrayList<>(List.of("ctl"));
                argv.addAll(fixture.connection());
                // The key's event, then the attempt's renewal-loop event and its activation result (as the real agent).
                argv.addAll(List.of("--token", AgentFixture.READ_TOKEN, "watch", "--count", "3"));
                return cl.execute(argv.toArray(String[]::new));
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> err.toString().contains("watching kmsagent.events"));

            fixture.ctlAdmin("install-gvlk", "--family", "office2013");
            fixture.ctlAdmin("activate", "--family", "office2013");

            assertThat(watch.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
            assertThat(out.toString())
                    .contains("key-installed", "kind=ACTIVATED", "activation", "family=office2013", "ok=true");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongFingerprintIsRefusedBeforeAnythingIsSent() {
        int before = fixture.agent.changes();
        Result r = AgentFixture.run(
                "ctl",
                "--agent",
                "127.0.0.1:" + fixture.daemon.bridgePort(),
                "--trust",
                "00".repeat(32),
                "--token",
                AgentFixture.ADMIN_TOKEN,
                "activate");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot talk to the agent");
        assertThat(fixture.agent.changes()).isEqualTo(before);
    }

    /** The same address option named --hub reaches a hub, and the failure says so (simulate --from-hub uses it). */
    @Test
    void aFailureToConnectNamesWhatTheAddressWasGivenAs() {
        Result r = AgentFixture.run(
                "ctl",
                "--hub",
                "127.0.0.1:" + fixture.daemon.bridgePort(),
                "--trust",
                "00".repeat(32),
                "--token",
                AgentFixture.ADMIN_TOKEN,
                "fleet");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot talk to the hub at 127.0.0.1:" + fixture.daemon.bridgePort());
    }

    /** An address given without a port is dialled on the bridge's default, and a failure names that port. */
    @Test
    void aFailureToConnectNamesThePortDialledWhenNoneWasGiven() throws Exception {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 7688));
        } catch (IOException inUse) {
            Assumptions.abort("127.0.0.1:7688 is in use on this machine");
        }
        Result r = AgentFixture.run(
                "ctl",
                "--agent",
                "127.0.0.1",
                "--trust",
                "00".repeat(32),
                "--token",
                AgentFixture.ADMIN_TOKEN,
                "status");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot talk to the agent at 127.0.0.1:7688: ");
    }

    @Test
    void withoutAWayToTrustTheAgentCtlRefusesToConnect() {
        Result r = AgentFixture.run("ctl", "--agent", "127.0.0.1:" + fixture.daemon.bridgePort(), "status");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--trust FINGERPRINT");
    }

    @Test
    void nothingListeningIsExitCode3() throws Exception {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result r = AgentFixture.run(
                "ctl", "--agent", "127.0.0.1:" + port, "--trust", fixture.daemon.fingerprint(), "status");
        assertThat(r.exit()).isEqualTo(3);
    }
}
