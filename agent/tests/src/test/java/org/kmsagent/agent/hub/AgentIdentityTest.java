package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.AgentDescription;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.CommandHandler;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;
import org.kmsagent.agent.link.Outbox;

/**
 * Each agent speaks only as itself: a hub with per-agent credentials only (no shared agent token), the real TLS
 * bridge, real agents' links and the real ctl. Agent B's own credential cannot register, receive, report or answer as
 * agent A; a revoked agent is refused; every refusal is logged without the token.
 */
class AgentIdentityTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    /** The published Windows 10/11 Pro GVLK (public; Microsoft's KMS client setup keys list). */
    private static final String GVLK = "W269N-WFGWX-YVC9B-4J6C9-T83GX";

    @TempDir
    Path dir;

    private LocalHub hub;
    private Vertx agents;
    private NetClient net;
    private LogLines log;
    private final List<FleetLink> links = new ArrayList<>();
    private final List<JsonObject> heardByA = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        log = new LogLines();
        hub = new LocalHub(dir.resolve("hub"), Clock.fixed(NOW, ZoneOffset.UTC), false);
        agents = Vertx.vertx();
        net = agents.createNetClient(FleetLink.clientOptions(List.of(hub.fingerprint), null));
    }

    @AfterEach
    void stop() throws Exception {
        for (FleetLink l : links) {
            l.stop().await(10, TimeUnit.SECONDS);
        }
        agents.close().await(10, TimeUnit.SECONDS);
        hub.close();
        log.close();
    }

    private CliRun ctl(String... args) {
        List<String> all = new ArrayList<>(
                List.of("ctl", "--hub", hub.at(), "--trust", hub.fingerprint, "--token", LocalHub.OPS_TOKEN));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private String enroll(String id) {
        CliRun run = ctl("fleet", "enroll", id);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.out().strip();
    }

    private FleetLink agent(String id, String token, CommandHandler commands) {
        FleetLink link = started(id, token, commands);
        await().atMost(Duration.ofSeconds(30)).until(() -> link.hub().isPresent());
        return link;
    }

    /** An agent's link, started, connected or not. */
    private FleetLink started(String id, String token, CommandHandler commands) {
        FleetLink.Settings settings = new FleetLink.Settings(
                List.of(hub.at()),
                token,
                FleetLink.clientOptions(List.of(hub.fingerprint), null),
                60_000,
                1_000,
                10_000);
        FleetLink link = new FleetLink(
                agents,
                settings,
                new AgentDescription(
                        id,
                        id.toUpperCase(),
                        "client",
                        List.of("windows-client"),
                        Map.of("agent", "test"),
                        List.of(),
                        60),
                new Outbox(dir.resolve(id), id),
                commands,
                () -> Future.succeededFuture(new JsonObject()),
                Clock.systemUTC());
        links.add(link);
        link.start();
        return link;
    }

    /** Agent A: records every command it gets and answers it. */
    private FleetLink agentA(String token) {
        return agent("pc-a", token, (address, body) -> {
            heardByA.add(new JsonObject().put("address", address).put("body", body));
            // One product done, as an agent with a product of the family answers an action.
            return Future.succeededFuture(new JsonObject()
                    .put("ok", true)
                    .put(
                            "results",
                            new JsonArray()
                                    .add(new JsonObject()
                                            .put("family", "windows-client")
                                            .put("product", "Windows 10 Enterprise")
                                            .put("ok", true)
                                            .put("hresult", "0x00000000"))));
        });
    }

    private HubConnection connect(String token) throws Exception {
        String[] hp = hub.at().split(":");
        return HubConnection.connect(agents, net, hp[0], Integer.parseInt(hp[1]), token)
                .await(10, TimeUnit.SECONDS);
    }

    private static int code(Future<?> f) {
        await().atMost(Duration.ofSeconds(10)).until(f::isComplete);
        assertThat(f.failed()).as("refused").isTrue();
        return f.cause() instanceof ReplyException re ? re.failureCode() : -1;
    }

    @Test
    void anotherAgentsCredentialCannotRegisterReportOrReceiveAsIt() throws Exception {
        String tokenA = enroll("pc-a");
        String tokenB = enroll("pc-b");
        agentA(tokenA);
        HubConnection b = connect(tokenB);

        // Re-register the victim under another host name; an event with a sequence number of 10^12.
        assertThat(code(b.request(
                        FleetAddresses.REGISTER,
                        new JsonObject().put("agentId", "pc-a").put("hostName", "EVIL"),
                        5_000)))
                .isEqualTo(403);
        assertThat(code(b.request(
                        FleetAddresses.EVENTS,
                        new JsonObject()
                                .put("agentId", "pc-a")
                                .put(
                                        "events",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("seq", 1_000_000_000_000L)
                                                        .put("type", "x"))),
                        5_000)))
                .isEqualTo(403);
        assertThat(code(b.request(FleetAddresses.HEARTBEAT, new JsonObject().put("agentId", "pc-a"), 5_000)))
                .isEqualTo(403);
        // Fake ids are the same: B's credential names pc-b and nothing else.
        assertThat(code(b.request(FleetAddresses.REGISTER, new JsonObject().put("agentId", "fake-1"), 5_000)))
                .isEqualTo(403);
        // An agent credential is no ctl token either.
        assertThat(code(b.request(FleetAddresses.VIEW, new JsonObject(), 5_000)))
                .isEqualTo(403);
        // Subscribing to A's command address closes the connection.
        assertThat(code(b.register(FleetAddresses.agent("pc-a"), 60_000))).isNotEqualTo(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.closed().isComplete());

        JsonObject view = new JsonObject(ctl("fleet", "--json").out());
        assertThat(view.getJsonArray("agents")).hasSize(1);
        assertThat(view.getJsonArray("agents").getJsonObject(0).getString("hostName"))
                .isEqualTo("PC-A");
        assertThat(log.text())
                .contains(
                        "refused kmsagent.fleet.register from agent pc-b claiming to be agent pc-a",
                        "refused kmsagent.fleet.events from agent pc-b claiming to be agent pc-a",
                        "refused kmsagent.fleet.heartbeat from agent pc-b claiming to be agent pc-a",
                        "refused kmsagent.fleet.register from agent pc-b claiming to be agent fake-1",
                        "client 'agent:pc-b' (read) from",
                        "refused registration on kmsagent.fleet.agent.pc-a")
                .containsPattern("client 'agent:pc-b' \\(read\\) from \\S+ refused on kmsagent.fleet.view")
                .doesNotContain(tokenA, tokenB, tokenB.substring(tokenB.lastIndexOf('.') + 1));
    }

    @Test
    void aForeignAgentsAnswerDoesNotCountForTheAgentItNames() throws Exception {
        CliRun run = fanOutWhilePcBAnswers(AgentIdentityTest::forgedAnswer);

        assertThat(run.out()).doesNotContain("FORGED").contains("NOT ANSWERED: pc-a");
        assertThat(run.exitCode()).isNotZero();
        assertThat(log.text()).contains("refused an answer from agent pc-b in the name of agent pc-a");
    }

    @Test
    void anAgentCannotSendABatchOfAnswersAsIfItWereAHub() throws Exception {
        CliRun run = fanOutWhilePcBAnswers(cmd -> new JsonObject()
                .put("requestId", cmd.getString("requestId"))
                .put("answers", new JsonArray().add(forgedAnswer(cmd))));

        assertThat(run.out()).doesNotContain("FORGED").contains("NOT ANSWERED: pc-a");
        assertThat(run.exitCode()).isNotZero();
        assertThat(log.text()).contains("refused a batch of answers from client 'agent:pc-b'");
    }

    /**
     * A fan-out to all while agent pc-a never answers and agent pc-b answers every command with what {@code answer}
     * makes of it.
     */
    private CliRun fanOutWhilePcBAnswers(Function<JsonObject, JsonObject> answer) throws Exception {
        agent(
                "pc-a",
                enroll("pc-a"),
                (address, body) -> Promise.<JsonObject>promise().future()); // never answers
        HubConnection b = connect(enroll("pc-b"));
        b.onMessage(frame -> {
            JsonObject cmd = frame.getJsonObject("body");
            b.send(cmd.getString("replyTo"), answer.apply(cmd));
        });
        b.register(FleetAddresses.ALL_AGENTS, 10_000).await(10, TimeUnit.SECONDS);
        b.request(
                        FleetAddresses.REGISTER,
                        new JsonObject().put("agentId", "pc-b").put("heartbeatSeconds", 60),
                        5_000)
                .await(10, TimeUnit.SECONDS);
        return ctl("--all-agents", "--deadline", "1", "status");
    }

    /** What pc-b forges: an answer in pc-a's name, with a product pc-a does not have. */
    private static JsonObject forgedAnswer(JsonObject cmd) {
        return new JsonObject()
                .put("requestId", cmd.getString("requestId"))
                .put("agentId", "pc-a")
                .put("ok", true)
                .put(
                        "reply",
                        new JsonObject()
                                .put("products", new JsonArray().add(new JsonObject().put("product", "FORGED"))));
    }

    @Test
    void aRoutedKeyReachesOnlyTheAddressedAgent() throws Exception {
        agentA(enroll("pc-a"));
        HubConnection b = connect(enroll("pc-b"));
        List<JsonObject> heardByB = new CopyOnWriteArrayList<>();
        b.onMessage(heardByB::add);
        b.register(FleetAddresses.ALL_AGENTS, 10_000).await(10, TimeUnit.SECONDS);
        b.register(FleetAddresses.agent("pc-b"), 10_000).await(10, TimeUnit.SECONDS);
        b.request(
                        FleetAddresses.REGISTER,
                        new JsonObject().put("agentId", "pc-b").put("heartbeatSeconds", 60),
                        5_000)
                .await(10, TimeUnit.SECONDS);

        CliRun targeted = ctl("--target", "pc-a", "install-gvlk", "--family", "windows-client", "--key", GVLK);
        CliRun all =
                ctl("--all-agents", "--deadline", "1", "install-gvlk", "--family", "windows-client", "--key", GVLK);

        assertThat(targeted.exitCode()).as(targeted.out() + targeted.err()).isZero();
        assertThat(all.out()).contains("== pc-a");
        assertThat(heardByA)
                .filteredOn(c -> c.getString("address").equals(BusAddresses.INSTALL_GVLK))
                .hasSize(2);
        // B hears the fan-out to all on its own address only; the one routed to A never reaches it.
        assertThat(heardByB)
                .hasSize(1)
                .allSatisfy(f -> assertThat(f.getString("address")).isEqualTo(FleetAddresses.agent("pc-b")));
    }

    @Test
    void aRevokedAgentIsDisconnectedAndRefused() throws Exception {
        String tokenB = enroll("pc-b");
        FleetLink b = agent("pc-b", tokenB, (address, body) -> Future.succeededFuture(new JsonObject()));

        CliRun run = ctl("fleet", "revoke", "pc-b");

        assertThat(run.exitCode()).as(run.err()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.hub().isEmpty());
        HubConnection again = connect(tokenB);
        code(again.request(FleetAddresses.REGISTER, new JsonObject().put("agentId", "pc-b"), 5_000));
        assertThat(b.hub()).isEmpty();
        assertThat(log.text())
                .contains(
                        "agent pc-b revoked by 'ops'", "credential no longer valid; closing", "refused: unknown token")
                .doesNotContain(tokenB);
        // Revoked, it can be forgotten at once: it was refused for three heartbeats as "connected", and told to be
        // revoked first.
        CliRun forget = ctl("fleet", "forget", "pc-b");
        assertThat(forget.exitCode()).as(forget.err()).isZero();
        assertThat(forget.out()).startsWith("agent pc-b forgotten");
        // Enrolled again, it gets a new credential; the old one stays refused.
        String fresh = enroll("pc-b");
        assertThat(fresh).isNotEqualTo(tokenB);
        code(connect(tokenB).request(FleetAddresses.HEARTBEAT, new JsonObject().put("agentId", "pc-b"), 5_000));
    }

    @Test
    void reEnrollingAConnectedAgentLogsWhoRevokedItsCredential() throws Exception {
        String first = enroll("pc-0043");
        FleetLink pc = agent("pc-0043", first, (address, body) -> Future.succeededFuture(new JsonObject()));

        String second = enroll("pc-0043");

        await().atMost(Duration.ofSeconds(10)).until(() -> pc.hub().isEmpty());
        assertThat(second).isNotEqualTo(first);
        assertThat(log.text())
                .contains(
                        "fleet: agent pc-0043 revoked by 'ops' (enrolled again", "credential no longer valid; closing")
                .doesNotContain(first);
    }

    @Test
    void anAgentGivenAnOperatorsTokenIsToldToBeEnrolled() {
        // Its log said only "the hub refused: access_denied"; the reason was in the hub's log alone.
        FleetLink link = started("pc-ops", LocalHub.OPS_TOKEN, (address, body) -> Future.succeededFuture(null));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> log.text().contains("fleet.token is not an enrolled agent credential"));
        assertThat(log.text())
                .contains("the hub refused: access_denied", "fleet enroll AGENT-ID")
                .doesNotContain(LocalHub.OPS_TOKEN);
        assertThat(link.hub()).isEmpty();
    }

    @Test
    void anAgentWithATokenTheHubDoesNotKnowIsToldToBeEnrolled() {
        // Its log said only "the hub refused: not_authorised", again at every retry; "unknown token" was in the hub's
        // log alone.
        String garbage = "garbage-token-0123456789";
        FleetLink link = started("pc-0042", garbage, (address, body) -> Future.succeededFuture(null));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> log.text().contains("the hub knows no agent credential by this fleet.token"));
        assertThat(log.text())
                .contains("fleet: pc-0042 cannot use hub " + hub.at() + ": the hub refused: not_authorised (the hub"
                        + " knows no agent credential by this fleet.token: never enrolled, mistyped, or revoked")
                .contains("enrol it on a hub with 'kms-agent ctl --hub HUB fleet enroll AGENT-ID' and put the token"
                        + " that command prints in fleet.token)")
                .doesNotContain(garbage);
        assertThat(link.hub()).isEmpty();
    }

    @Test
    void aRevokedAgentIsToldItsCredentialIsNoLongerKnownAndHowToEnrolItAgain() throws Exception {
        String token = enroll("pc-0044");
        FleetLink link = agent("pc-0044", token, (address, body) -> Future.succeededFuture(new JsonObject()));
        assertThat(ctl("fleet", "revoke", "pc-0044").exitCode()).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> log.text().contains("the hub refused: not_authorised"));
        assertThat(log.text())
                .contains("fleet: pc-0044 cannot use hub " + hub.at() + ": the hub refused: not_authorised (the hub"
                        + " knows no agent credential by this fleet.token: never enrolled, mistyped, or revoked or"
                        + " replaced since by enrolling the id again, or enrolled on the hubs of another cluster;")
                .contains("'kms-agent ctl --hub HUB fleet enroll pc-0044'")
                .doesNotContain(token);
        assertThat(link.hub()).isEmpty();
    }

    @Test
    void sharedAgentTokensAreRefusedUnlessAllowed() throws Exception {
        HubConnection shared = connect(LocalHub.AGENT_TOKEN);
        assertThat(code(shared.request(FleetAddresses.REGISTER, new JsonObject().put("agentId", "pc-x"), 5_000)))
                .isEqualTo(403);
        assertThat(log.text())
                .containsPattern("client 'agents' \\(read\\) from \\S+ refused on kmsagent.fleet.register");
    }

    @Test
    void enrolmentNeedsAnAdminTokenAndASafeId() throws Exception {
        CliRun read = CliRun.of(
                "ctl",
                "--hub",
                hub.at(),
                "--trust",
                hub.fingerprint,
                "--token",
                LocalHub.READ_TOKEN,
                "fleet",
                "enroll",
                "pc-a");
        assertThat(read.exitCode()).isNotZero();
        assertThat(read.out()).doesNotContain("kma1.");
        CliRun bad = ctl("fleet", "enroll", "../../etc/passwd");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("agentId: expected an agent id (letters, digits");
    }

    @Test
    void credentialsAndRevocationsOutliveAHubRestart() throws Exception {
        String kept = enroll("pc-a");
        String revoked = enroll("pc-b");
        assertThat(ctl("fleet", "revoke", "pc-b").exitCode()).isZero();
        hub.close();
        hub = new LocalHub(dir.resolve("hub"), Clock.fixed(NOW, ZoneOffset.UTC), false); // same data directory
        net.close().await(10, TimeUnit.SECONDS);
        net = agents.createNetClient(FleetLink.clientOptions(List.of(hub.fingerprint), null));

        assertThat(connect(kept)
                        .request(FleetAddresses.REGISTER, new JsonObject().put("agentId", "pc-a"), 5_000)
                        .await(10, TimeUnit.SECONDS)
                        .getLong("lastSeq"))
                .isZero();
        code(connect(revoked).request(FleetAddresses.REGISTER, new JsonObject().put("agentId", "pc-b"), 5_000));
        assertThat(Files.readString(dir.resolve("hub").resolve("fleet-credentials.json")))
                .doesNotContain(kept, revoked, kept.substring(kept.lastIndexOf('.') + 1));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX modes; on Windows the data folder's ACL applies")
    void theCredentialsFileIsOwnerOnlyEvenOverALeftoverOfAKilledSave() throws Exception {
        Path file = dir.resolve("hub").resolve("fleet-credentials.json");
        Path leftover = file.resolveSibling("fleet-credentials.json.tmp");
        Files.writeString(leftover, "{}");
        Files.setPosixFilePermissions(leftover, PosixFilePermissions.fromString("rw-r--r--"));

        enroll("pc-a");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(leftover).doesNotExist();
    }
}
