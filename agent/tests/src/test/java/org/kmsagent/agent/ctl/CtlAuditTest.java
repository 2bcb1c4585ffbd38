package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.InMemoryAgent;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;
import org.slf4j.LoggerFactory;

/**
 * The audit of a real agent (daemon, TLS bridge on 127.0.0.1) as {@code ctl} sees it: admin actions and refusals,
 * masked keys, the file across restarts, a damaged line.
 */
class CtlAuditTest {
    @TempDir
    Path dir;

    static List<JsonObject> records(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonArray records = new JsonObject(r.out()).getJsonArray("records");
        return records.stream().map(o -> (JsonObject) o).toList();
    }

    static List<JsonObject> withAction(List<JsonObject> records, String action) {
        return records.stream()
                .filter(r -> action.equals(r.getString("action")))
                .toList();
    }

    @Test
    void anAdminActionIsOneRecordNamingTheTokenTheSourceTheTargetAndTheResultWithTheKeyMasked() throws Exception {
        try (AgentFixture agent = AgentFixture.start(dir.resolve("data"))) {
            Result install =
                    agent.ctlAdmin("install-gvlk", "--family", "office2013", "--key", "YC7DK-G2NP3-2QQC3-J6H88-GVGXT");
            assertThat(install.exit()).as(install.toString()).isZero();
            assertThat(agent.ctlAdmin("set-kms", "--family", "office2013", "kms.corp.example:1700")
                            .exit())
                    .isZero();
            // A read by a reader is no admin action.
            assertThat(agent.ctl(AgentFixture.READ_TOKEN, "status").exit()).isZero();

            List<JsonObject> records = records(agent.ctlAdmin("audit", "--json"));
            List<JsonObject> installs = withAction(records, "kmsagent.install-gvlk");
            assertThat(installs).hasSize(1);
            JsonObject r = installs.get(0);
            assertThat(r.getString("actor")).isEqualTo("ops");
            assertThat(r.getString("source")).isEqualTo("127.0.0.1");
            assertThat(r.getString("result")).isEqualTo("ok");
            assertThat(r.getJsonObject("target").getString("family")).isEqualTo("office2013");
            assertThat(r.getJsonObject("target").getString("key")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-GVGXT");
            assertThat(r.getString("at")).isEqualTo("2026-11-28T12:00:00Z");
            assertThat(withAction(records, "kmsagent.kms.set")
                            .get(0)
                            .getJsonObject("target")
                            .getString("host"))
                    .isEqualTo("kms.corp.example");
            assertThat(withAction(records, "kmsagent.status")).isEmpty();
            // The key is nowhere whole: not in the file, not in ctl's table.
            assertThat(Files.readString(agent.daemon.auditFile()))
                    .contains("XXXXX-XXXXX-XXXXX-XXXXX-GVGXT")
                    .doesNotContain("YC7DK", "G2NP3-2QQC3-J6H88");
            Result table = agent.ctlAdmin("audit");
            assertThat(table.out())
                    .contains(
                            "ACTOR",
                            "ops",
                            "127.0.0.1",
                            "kmsagent.install-gvlk",
                            "key=XXXXX-XXXXX-XXXXX-XXXXX-GVGXT",
                            "ok")
                    .doesNotContain("YC7DK");
            // Reading the audit is itself audited.
            assertThat(withAction(records(agent.ctlAdmin("audit", "--json")), "kmsagent.audit"))
                    .isNotEmpty();
        }
    }

    @Test
    void refusedRequestsAreRecordedAsRefusedWithWhy() throws Exception {
        try (AgentFixture agent = AgentFixture.start(dir.resolve("data"))) {
            Result wrong = agent.ctl("not-a-token-0123456789", "activate", "--family", "office2013");
            assertThat(wrong.exit()).isEqualTo(3);
            Result reader = agent.ctl(AgentFixture.READ_TOKEN, "clear-kms");
            assertThat(reader.exit()).isEqualTo(3);
            // The audit itself is for admins only.
            Result readerAudit = agent.ctl(AgentFixture.READ_TOKEN, "audit");
            assertThat(readerAudit.exit()).as(readerAudit.toString()).isEqualTo(3);
            assertThat(readerAudit.err())
                    .contains(
                            " refused: forbidden: reading the audit (kmsagent.audit) takes a token with role admin",
                            "code 403")
                    .doesNotContain("changes need");

            List<JsonObject> records = records(agent.ctlAdmin("audit", "--json"));
            JsonObject unknown = withAction(records, "kmsagent.activate").get(0);
            assertThat(unknown.getString("actor")).isEqualTo("(unknown token)");
            assertThat(unknown.getString("result")).isEqualTo("refused");
            assertThat(unknown.getString("reason")).isEqualTo("unknown token");
            assertThat(unknown.getInteger("code")).isEqualTo(401);
            assertThat(unknown.getString("source")).isEqualTo("127.0.0.1");
            JsonObject forbidden = withAction(records, "kmsagent.kms.clear").get(0);
            assertThat(forbidden.getString("actor")).isEqualTo("dashboard"); // the read token's name in the fixture
            assertThat(forbidden.getString("result")).isEqualTo("refused");
            assertThat(forbidden.getString("reason")).contains("needs role admin");
            assertThat(forbidden.getInteger("code")).isEqualTo(403);
            assertThat(withAction(records, "kmsagent.audit")).anySatisfy(a -> {
                assertThat(a.getString("actor")).isEqualTo("dashboard");
                assertThat(a.getString("result")).isEqualTo("refused");
            });
        }
    }

    @Test
    void anActionThatFailsIsRecordedWithItsCode() throws Exception {
        try (AgentFixture agent = AgentFixture.start(dir.resolve("data"))) {
            Result unknown = agent.ctlAdmin("activate", "--family", "office2099");
            assertThat(unknown.exit()).isEqualTo(1);
            // An answer that is no refusal of the token is not called one (it was "refused: no loaded family ...").
            assertThat(unknown.err())
                    .contains(" error: unknown family: office2099 (code 404)")
                    .doesNotContain("refused");
            JsonObject r = withAction(records(agent.ctlAdmin("audit", "--json")), "kmsagent.activate")
                    .get(0);
            assertThat(r.getString("result")).isEqualTo("failed");
            assertThat(r.getInteger("code")).isEqualTo(404);
            assertThat(r.getJsonObject("target").getString("family")).isEqualTo("office2099");
        }
    }

    @Test
    void anActionThatMatchedNoProductIsRecordedFailedAsCtlReportsIt() throws Exception {
        // ctl said "no product matched --family windows-server: nothing was done" (exit 1) while the audit said ok.
        try (AgentFixture agent = AgentFixture.start(dir.resolve("data"))) {
            for (String action : List.of("activate", "install-gvlk")) {
                Result r = agent.ctlAdmin(action, "--family", InMemoryAgent.FAMILY_WITHOUT_PRODUCT);
                assertThat(r.exit()).as(r.toString()).isEqualTo(1);
                assertThat(r.err()).contains("no product matched --family windows-server");
            }
            List<JsonObject> records = records(agent.ctlAdmin("audit", "--json"));
            for (String address : List.of("kmsagent.activate", "kmsagent.install-gvlk")) {
                JsonObject r = withAction(records, address).get(0);
                assertThat(r.getString("result")).as(address).isEqualTo("failed");
                assertThat(r.getString("reason")).as(address).isEqualTo("no product matched");
                assertThat(r.getJsonObject("target").getString("family")).isEqualTo("windows-server");
            }
            assertThat(agent.ctlAdmin("audit").out()).contains("family=windows-server", "failed: no product matched");
        }
    }

    @Test
    void aKeyTypedWhereAFamilyGoesIsStoredAndShownMasked() throws Exception {
        String key = "BCDFG-HJKMP-QRTVW-XY234-6789B";
        try (AgentFixture agent = AgentFixture.start(dir.resolve("data"))) {
            Result install = agent.ctlAdmin("install-gvlk", "--family", key);
            assertThat(install.exit()).as(install.toString()).isEqualTo(1);

            JsonObject r = withAction(records(agent.ctlAdmin("audit", "--json")), "kmsagent.install-gvlk")
                    .get(0);
            assertThat(r.getJsonObject("target").getString("family")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-6789B");
            assertThat(r.getString("reason")).contains("XXXXX-XXXXX-XXXXX-XXXXX-6789B");
            assertThat(Files.readString(agent.daemon.auditFile())).doesNotContain("BCDFG", "HJKMP-QRTVW");
            assertThat(agent.ctlAdmin("audit").out())
                    .contains("family=XXXXX-XXXXX-XXXXX-XXXXX-6789B")
                    .doesNotContain("BCDFG");
        }
    }

    @Test
    void aKeyGivenToSetKmsAsAHostIsAUsageErrorThatDoesNotEchoIt() throws Exception {
        try (AgentFixture agent = AgentFixture.start(dir.resolve("data"))) {
            int before = agent.agent.changes();
            for (String host : List.of("BCDFG-HJKMP-QRTVW-XY234-6789B", "bcdfghjkmpqrtvwxy23467893:1688")) {
                Result r = agent.ctlAdmin("set-kms", "--family", "office2019", host);
                assertThat(r.exit()).as(r.toString()).isEqualTo(2);
                assertThat(r.err())
                        .contains("looks like a product key", "install-gvlk --key")
                        .doesNotContain("BCDFG", "bcdfg");
            }
            assertThat(agent.agent.changes()).isEqualTo(before);
            // Nothing was sent: no admin action to record.
            assertThat(withAction(records(agent.ctlAdmin("audit", "--json")), "kmsagent.kms.set"))
                    .isEmpty();
        }
    }

    @Test
    void anAuditLogThatCannotBeOpenedDoesNotStopTheAgent() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("audit.log")); // a directory where the file should be
        Logger auditLog = (Logger) LoggerFactory.getLogger("org.kmsagent.agent.daemon.AgentAudit");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        auditLog.addAppender(logged);
        try (AgentFixture agent = AgentFixture.start(data)) {
            assertThat(agent.daemon.banner())
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("kms-agent: audit log disabled: cannot open the audit log "
                                    + data.resolve("audit.log"))
                            // The reason once, in the message a hub prints alone too.
                            .containsOnlyOnce("Is a directory"));
            assertThat(agent.ctlAdmin("set-kms", "kms.corp.example").exit()).isZero();
            Result audit = agent.ctlAdmin("audit");
            assertThat(audit.exit()).isEqualTo(1);
            // Said in words (it was Vert.x's "No handlers for address kmsagent.audit"), and where to look.
            assertThat(audit.err())
                    .contains(
                            "error: the agent's audit log is disabled: it could not be opened at start",
                            "start-up banner names the file",
                            "(code 503)")
                    .doesNotContain("No handlers");
            // The agent's log is then the only copy of a record: it carries its time, as the file would (it was
            // "at":null), the agent's clock's to the millisecond.
            List<JsonObject> written = await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> logged.list.stream()
                                    .filter(e -> e.getLevel() == Level.WARN)
                                    .map(ILoggingEvent::getFormattedMessage)
                                    .filter(m -> m.startsWith("audit: "))
                                    .map(m -> new JsonObject(m.substring("audit: ".length())))
                                    .filter(r -> "kmsagent.kms.set".equals(r.getString("action")))
                                    .toList(),
                            l -> !l.isEmpty());
            assertThat(written.get(0).getString("at")).isEqualTo("2026-11-28T12:00:00Z");
            assertThat(written.get(0).getString("actor")).isEqualTo("ops");
        } finally {
            auditLog.detachAppender(logged);
        }
    }

    @Test
    void theLogIsAppendOnlyAcrossRestartsAndADamagedLineIsSkipped() throws Exception {
        Path data = dir.resolve("data");
        Path file;
        try (AgentFixture agent = AgentFixture.start(data)) {
            assertThat(agent.ctlAdmin("set-kms", "kms.corp.example").exit()).isZero();
            file = agent.daemon.auditFile();
        }
        assertThat(file).isEqualTo(data.toAbsolutePath().resolve("audit.log"));
        Files.writeString(file, "garbage, not a record\n", StandardOpenOption.APPEND);
        try (AgentFixture agent = AgentFixture.start(data)) {
            assertThat(agent.ctlAdmin("clear-kms").exit()).isZero();
            Result r = agent.ctlAdmin("audit", "--json");
            List<JsonObject> records = records(r);
            assertThat(records)
                    .extracting(o -> o.getString("action"))
                    .containsSubsequence("kmsagent.kms.set", "kmsagent.kms.clear");
            assertThat(new JsonObject(r.out()).getInteger("skipped")).isEqualTo(1);
            assertThat(agent.ctlAdmin("audit").out()).contains("1 damaged line(s) skipped");
            // --since and --limit narrow what is shown.
            assertThat(records(agent.ctlAdmin("audit", "--json", "--since", "2026-11-28T13:00:00Z")))
                    .isEmpty();
            assertThat(records(agent.ctlAdmin("audit", "--json", "--limit", "1")))
                    .hasSize(1);
            Result bad = agent.ctlAdmin("audit", "--since", "yesterday");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("--since", "yesterday");
        }
    }
}
