package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.CommandHandler;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;

/** One hub (no cluster) with real agents' links and the real ctl: what an operator reads from the fleet view. */
class FleetHubTest extends HubOnClock {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private static final String WINDOWS = KmsHostSnapshot.WINDOWS;

    FleetHubTest() {
        super(NOW);
    }

    private FleetLink agent(String id, JsonObject snapshot) {
        return agents.connect(id, "server", "windows-server", List.of(), snapshot);
    }

    /** Client pc-1 (PC-1) with an empty snapshot, its control API answering with {@code commands}. */
    private FleetLink pc1Answering(CommandHandler commands) {
        return agents.connect("pc-1", "PC-1", "client", "windows-client", List.of(), new JsonObject(), commands);
    }

    private CliRun ctl(String token, String... args) {
        return agents.ctl(token, args);
    }

    /** A KMS host with 13 Windows clients last seen on Feb 20 (docs/kms-rules.md §1.6's count of 13). */
    private static JsonObject kmsHost() {
        return KmsHostSnapshot.of(
                new JsonObject().put("products", new JsonArray().add(SimulatedAgent.product("kms1"))),
                new JsonObject().put("family", "windows-client"),
                13);
    }

    @Test
    void theFleetViewListsEveryAgentWithItsHubConnectionAndProductStates() {
        agent("pc-1", new JsonObject().put("products", new JsonArray().add(SimulatedAgent.product("pc-1"))));
        agent("pc-2", new JsonObject());

        CliRun run = ctl(LocalHub.READ_TOKEN, "fleet");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("pc-1")))
                .singleElement()
                .asString()
                .contains("PC-1", "server", "hub-local", "yes", "1 LICENSED");
        assertThat(run.out().lines().filter(l -> l.startsWith("pc-2")))
                .singleElement()
                .asString()
                .contains("none reported");
        assertThat(run.out()).contains("2 agent(s)");
    }

    @Test
    void aHistoryLongerThanOneStoredPieceIsListedWholeInOrderAndOnceEach() throws Exception {
        FleetLink pc = agent("pc-1", new JsonObject());
        // 150 renewals (the hub keeps history in pieces of 64), with state refreshes between them that are no
        // history, delivered in several batches as they are written.
        for (int i = 1; i <= 150; i++) {
            pc.publish(
                    "renewal",
                    new JsonObject()
                            .put("kind", "RENEWED")
                            .put("family", "windows-client")
                            .put("n", i));
            if (i % 40 == 0) {
                pc.publish(FleetAddresses.EVENT_PRODUCTS, new JsonObject().put("products", new JsonArray()));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> pc.pending() == 0);

        JsonArray history = new JsonObject(ctl(LocalHub.READ_TOKEN, "fleet", "history", "--target", "pc-1", "--json")
                        .out())
                .getJsonArray("history");

        assertThat(history.stream()
                        .map(e -> ((JsonObject) e).getJsonObject("data").getInteger("n")))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 150).boxed().toList());
    }

    @Test
    void aHubKeepsAnAgentsNewestHistoryEventsAndSaysHowManyEarlierOnesAreGone() throws Exception {
        var bus = hub.vertx.eventBus();
        bus.request(
                        FleetAddresses.REGISTER,
                        new JsonObject().put("agentId", "pc-7").put("hostName", "PC-7"))
                .await(30, TimeUnit.SECONDS);
        // A machine refused every two hours for half a year: more failed attempts than a hub keeps of anyone.
        int sent = 2 * FleetMaps.HISTORY_KEPT + 3 * FleetMaps.HISTORY_CHUNK + 10;
        for (int first = 1; first <= sent; first += 100) {
            JsonArray events = new JsonArray();
            for (int seq = first; seq <= Math.min(sent, first + 99); seq++) {
                events.add(new JsonObject()
                        .put("seq", seq)
                        .put("type", "renewal")
                        .put("at", NOW.plusSeconds(seq).toString())
                        .put(
                                "data",
                                new JsonObject()
                                        .put("kind", "ACTIVATION_FAILED")
                                        .put("family", "windows-client")
                                        .put("n", seq)));
            }
            bus.request(
                            FleetAddresses.EVENTS,
                            new JsonObject().put("agentId", "pc-7").put("events", events))
                    .await(30, TimeUnit.SECONDS);
        }

        JsonObject reply = new JsonObject(ctl(LocalHub.READ_TOKEN, "fleet", "history", "--target", "pc-7", "--json")
                .out());
        List<Integer> kept = reply.getJsonArray("history").stream()
                .map(e -> ((JsonObject) e).getJsonObject("data").getInteger("n"))
                .toList();
        assertThat(kept.equals(IntStream.rangeClosed(sent - FleetMaps.HISTORY_KEPT + 1, sent)
                        .boxed()
                        .toList()))
                .as(
                        "the newest %d in order, once each; got %d from %s to %s",
                        FleetMaps.HISTORY_KEPT, kept.size(), kept.get(0), kept.get(kept.size() - 1))
                .isTrue();
        assertThat(reply.getLong("earlier")).isEqualTo(sent - FleetMaps.HISTORY_KEPT);
        assertThat(ctl(LocalHub.READ_TOKEN, "fleet", "history", "--target", "pc-7")
                        .out())
                .endsWith(String.format(
                        "%,d earlier event(s) of pc-7 are no longer kept by the hubs; the agent's own log has them%n",
                        sent - FleetMaps.HISTORY_KEPT));
        // What the hub holds for the agent stays within the newest kept and one piece.
        var keys = hub.vertx
                .sharedData()
                .getAsyncMap("kmsagent.fleet.history.chunks")
                .compose(m -> m.keys())
                .await(30, TimeUnit.SECONDS);
        int spanned = (FleetMaps.HISTORY_KEPT - 1 + FleetMaps.HISTORY_CHUNK - 1) / FleetMaps.HISTORY_CHUNK + 1;
        assertThat(keys).hasSizeLessThanOrEqualTo(spanned);
    }

    @Test
    void aStateRefreshUpdatesTheViewWithoutEnteringTheHistory() throws Exception {
        FleetLink pc =
                agent("pc-1", new JsonObject().put("products", new JsonArray().add(SimulatedAgent.product("pc-1"))));
        pc.publish(
                        FleetAddresses.EVENT_PRODUCTS,
                        new JsonObject()
                                .put(
                                        "products",
                                        new JsonArray()
                                                .add(SimulatedAgent.product("pc-1")
                                                        .put("status", "ADDITIONAL_GRACE"))))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> pc.pending() == 0);

        assertThat(ctl(LocalHub.READ_TOKEN, "fleet").out())
                .contains("1 ADDITIONAL_GRACE")
                .doesNotContain("LICENSED");
        assertThat(new JsonObject(ctl(LocalHub.READ_TOKEN, "fleet", "history", "--target", "pc-1", "--json")
                                .out())
                        .getJsonArray("history"))
                .isEmpty();
    }

    @Test
    void poolsShowEachThresholdWithItsForecast() {
        agent("kms1", kmsHost());

        CliRun run = ctl(LocalHub.READ_TOKEN, "fleet", "pools");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // 13 arrivals in 30 days (0.43/day) cannot add 12 before the 13 leave on Mar 22; they do keep 5 for servers.
        assertThat(run.out())
                .contains(
                        "kms1",
                        WINDOWS,
                        "windows-client",
                        "13",
                        "25",
                        "NO",
                        "0.43",
                        "not reached in 90 days at the arrivals seen")
                .contains("windows-server", "stays met for 90 days")
                .endsWith("1 KMS host(s) in the fleet" + System.lineSeparator());
    }

    @Test
    void expiringMachinesCarryTheCauseOfTheirFailedRenewalsAndHistoryKeepsEveryEventOnce() throws Exception {
        FleetLink pc = agent(
                "pc-1",
                new JsonObject()
                        .put(
                                "products",
                                new JsonArray()
                                        .add(SimulatedAgent.product("pc-1")
                                                .put("validUntil", "2026-03-20T00:00:00Z"))));
        pc.publish(
                        "renewal",
                        new JsonObject()
                                .put("kind", "RENEWAL_FAILED")
                                .put("family", "windows-client")
                                .put("hresult", "0xC004F038")
                                .put(
                                        "diagnosis",
                                        new JsonObject()
                                                .put("cause", "COUNT_BELOW_THRESHOLD")
                                                .put("detail", "count 13 of 25, needs 12 more")))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> pc.pending() == 0);

        CliRun expiring = ctl(LocalHub.READ_TOKEN, "fleet", "expiring", "--days", "30");
        assertThat(expiring.exitCode()).as(expiring.err()).isZero();
        assertThat(expiring.out())
                .contains(
                        "pc-1",
                        "2026-03-20T00:00:00Z",
                        "19",
                        "COUNT_BELOW_THRESHOLD: count 13 of 25, needs 12 more (0xC004F038); 1 failed attempt")
                .contains("1 product(s) expire within 30 days");

        CliRun history = ctl(LocalHub.READ_TOKEN, "fleet", "history", "--target", "pc-1");
        assertThat(history.out()).contains("renewal", "kind=RENEWAL_FAILED");
        assertThat(history.out().lines().filter(l -> l.contains("RENEWAL_FAILED")))
                .hasSize(1);
    }

    @Test
    void aReadTokenMayQueryButNotRouteAChange() {
        agent("pc-1", new JsonObject());

        CliRun status = ctl(LocalHub.READ_TOKEN, "--target", "pc-1", "status");
        CliRun activate = ctl(LocalHub.READ_TOKEN, "--target", "pc-1", "activate");

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("Windows 10 Enterprise");
        assertThat(activate.exitCode()).isEqualTo(3);
        assertThat(activate.err()).contains("kmsagent.fleet.route.change needs role admin");
    }

    @Test
    void anUnknownTargetIsNamed() {
        CliRun run = ctl(LocalHub.OPS_TOKEN, "--target", "nosuch", "status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no agent nosuch in the fleet");
    }

    @Test
    void aControlCommandSentToTheHubItselfSaysHowToRouteIt() {
        agent("pc-1", new JsonObject());

        CliRun run = ctl(LocalHub.OPS_TOKEN, "status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains(hub.at() + " error: this is fleet hub hub-local, not an agent")
                .contains("--target AGENT_ID", "--all-agents", "(code 404)");
    }

    @Test
    void aRoutedFailureShowsTheAgentsCode() {
        agent("pc-1", new JsonObject());

        CliRun run = ctl(LocalHub.OPS_TOKEN, "--all-agents", "activate");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("== pc-1 (PC-1)").doesNotContain("code 404");
        // On standard error, as fleet.md says and as a refusal of an agent asked directly is.
        assertThat(run.err()).contains("pc-1: error: simulated agent has no kmsagent.activate (code 404)");
    }

    @Test
    void aChangeAnAgentAnsweredTooLateIsNotSaidUndone() {
        // The agent gets the request and never answers within the deadline: it may have made the change all the same.
        pc1Answering((address, body) -> Promise.<JsonObject>promise().future());

        CliRun change = ctl(LocalHub.OPS_TOKEN, "--target", "pc-1", "--deadline", "0.2", "set-kms", "kms1.example");
        CliRun query = ctl(LocalHub.OPS_TOKEN, "--target", "pc-1", "--deadline", "0.2", "status");

        assertThat(change.exitCode()).isEqualTo(1);
        assertThat(change.out())
                .contains("NOT ANSWERED: pc-1 (PC-1): no answer within 200 ms (the change may have been made all the"
                        + " same: ask with --target pc-1 status)");
        assertThat(query.out())
                .contains("NOT ANSWERED: pc-1 (PC-1): no answer within 200 ms")
                .doesNotContain("change");
    }

    @Test
    void anActionThatMatchesNoProductOnAnAgentIsNamedForThatAgentAndExits1() {
        // A client of a mixed fleet asked to install a server key: its note said nothing of which agent it was.
        pc1Answering((address, body) -> Future.succeededFuture(new JsonObject().put("results", new JsonArray())));

        CliRun run = ctl(LocalHub.OPS_TOKEN, "--all-agents", "install-gvlk", "--family", "windows-server");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("== pc-1 (PC-1)");
        assertThat(run.err()).contains("pc-1: no product matched --family windows-server: nothing was done");
    }

    @Test
    void withJsonARoutedCommandPrintsJsonOnlyOnStandardOutputAndItsExitCodeSaysWhatFailed() {
        agent("pc-1", new JsonObject());

        CliRun all = ctl(LocalHub.OPS_TOKEN, "--all-agents", "--json", "activate");
        CliRun one = ctl(LocalHub.OPS_TOKEN, "--target", "pc-1", "--json", "activate");

        // --all-agents --json exited 0 although pc-1 refused; --target --json printed the refusal as text on stdout.
        assertThat(all.exitCode()).as(all.err()).isEqualTo(1);
        JsonObject report = new JsonObject(all.out());
        assertThat(report.getJsonArray("answered").getJsonObject(0).getBoolean("ok"))
                .isFalse();
        // As fleet.md says, the refusal is on standard error too (it was not, with --all-agents).
        assertThat(all.err()).contains("pc-1: error: simulated agent has no kmsagent.activate (code 404)");
        assertThat(one.exitCode()).isEqualTo(1);
        assertThat(one.out()).isEmpty();
        assertThat(one.err()).contains("pc-1: error: simulated agent has no kmsagent.activate (code 404)");
    }

    @Test
    void aRoutedCommandThatAsksTwiceGetsBothAnswersFromItsTarget() {
        JsonObject watched = new JsonObject()
                .put("watching", true)
                .put("hostName", "KMS01")
                .put("lastRead", NOW.toString())
                .put("clients", new JsonArray());
        agents.connect(
                "pc-1",
                "PC-1",
                "server",
                "windows-server",
                List.of(),
                new JsonObject(),
                (address, body) -> switch (address) {
                    case BusAddresses.HOST_STATUS -> Future.succeededFuture(new JsonObject().put("enabled", false));
                    case BusAddresses.HOST_WATCHED -> Future.succeededFuture(watched);
                    default -> Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, address));
                });

        CliRun text = ctl(LocalHub.OPS_TOKEN, "--target", "pc-1", "host");
        CliRun json = ctl(LocalHub.OPS_TOKEN, "--target", "pc-1", "host", "--json");

        // The host model's answer was handed to the second request too: the watched host never showed.
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out())
                .contains("host role: on, watching the genuine host (host.mode: watch; nothing modelled)")
                .contains("watching the genuine KMS host KMS01")
                .doesNotContain("host role: off", "ledger: 0 client(s)");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(new JsonObject(json.out()).getJsonObject("watchedHost").getString("hostName"))
                .isEqualTo("KMS01");
    }

    @Test
    void aCtlTokenCannotPoseAsAnAgent() throws Exception {
        var client = agents.vertx().createNetClient(FleetLink.clientOptions(List.of(hub.fingerprint), null));
        String[] hostPort = hub.at().split(":");
        HubConnection c = HubConnection.connect(
                        agents.vertx(), client, hostPort[0], Integer.parseInt(hostPort[1]), LocalHub.OPS_TOKEN)
                .await(10, TimeUnit.SECONDS);

        Future<Void> registered = c.register(FleetAddresses.ALL_AGENTS, 60_000);
        Future<JsonObject> registration =
                c.request(FleetAddresses.REGISTER, new JsonObject().put("agentId", "fake"), 5_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> registered.isComplete() && registration.isComplete());
        assertThat(registered.failed()).isTrue();
        assertThat(registration.failed()).isTrue();
        assertThat(ctl(LocalHub.OPS_TOKEN, "fleet", "--json").out()).doesNotContain("fake");
    }
}
