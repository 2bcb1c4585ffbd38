package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;

/**
 * What a client that writes its own frames gets from a hub's fleet addresses when its request is wrong: an answer at
 * once (not a timeout), code 400, naming the field, what was given and what is accepted; a typo never widens a
 * routed change to the whole fleet.
 */
class FleetRequestCheckTest {
    @TempDir
    Path dir;

    private LocalHub hub;
    private HubAgents agents;
    private HubConnection ops;
    private NetClient opsClient;

    @BeforeEach
    void start() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC));
        agents = new HubAgents(hub, dir);
        agents.connect("pc-1", "client", "windows-client", List.of(), new JsonObject());
        agents.connect("pc-2", "client", "windows-client", List.of(), new JsonObject());
        opsClient = agents.vertx().createNetClient(FleetLink.clientOptions(List.of(hub.fingerprint), null));
        String[] hostPort = hub.at().split(":");
        ops = HubConnection.connect(
                        agents.vertx(), opsClient, hostPort[0], Integer.parseInt(hostPort[1]), LocalHub.OPS_TOKEN)
                .await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        // The raw connection first, as a client would hang up: left open, it was closed by the agents' Vert.x as it
        // shut down, which under load (a CI run on two cores) took longer than that close's 10 s.
        ops.close().eventually(opsClient::close).await(30, TimeUnit.SECONDS);
        agents.close();
        hub.close();
    }

    /** The hub's refusal of a request, within 5 s (a hub that does not answer fails the test). */
    private ReplyException refusal(String address, JsonObject body) {
        Future<JsonObject> reply = ops.request(address, body, 5_000);
        try {
            JsonObject answered = reply.await(10, TimeUnit.SECONDS);
            throw new AssertionError(address + " " + body.encode() + " was answered: " + answered.encode());
        } catch (ReplyException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRoutedRequestWithoutAnAddressIsRefusedAtOnceNamingTheAddress() {
        for (String route : List.of(FleetAddresses.ROUTE_QUERY, FleetAddresses.ROUTE_CHANGE)) {
            ReplyException missing = refusal(route, new JsonObject());
            assertThat(missing.failureCode()).as(route).isEqualTo(400);
            assertThat(missing.getMessage()).as(route).startsWith("address: required: one of kmsagent.");

            ReplyException notText = refusal(route, new JsonObject().put("address", 7));
            assertThat(notText.failureCode()).isEqualTo(400);
            assertThat(notText.getMessage())
                    .startsWith("address: expected one of")
                    .endsWith("got 7");
        }
    }

    @Test
    void aMisspelledFieldInARoutedChangeIsRefusedInsteadOfReachingEveryAgent() {
        ReplyException typo = refusal(
                FleetAddresses.ROUTE_CHANGE,
                new JsonObject()
                        .put("address", "kmsagent.kms.clear")
                        .put("tagret", "pc-1")
                        .put("body", new JsonObject()));

        assertThat(typo.failureCode()).isEqualTo(400);
        assertThat(typo.getMessage()).isEqualTo("tagret: unknown field (accepted: address, body, target, deadlineMs)");
    }

    @Test
    void aMisspelledFieldInAnAuditReadIsRefusedNamingItInsteadOfReadingEveryRecord() {
        ReplyException typo =
                refusal(FleetAddresses.AUDIT, new JsonObject().put("limit", 5).put("sinse", "2026-02-28T00:00:00Z"));

        assertThat(typo.failureCode()).isEqualTo(400);
        assertThat(typo.getMessage()).isEqualTo("sinse: unknown field (accepted: agent, since, limit)");
    }

    @Test
    void wrongTypesAndValuesOutOfRangeAreRefusedNamingTheFieldWhatWasGivenAndWhatIsAccepted() {
        ReplyException days = refusal(FleetAddresses.EXPIRING, new JsonObject().put("days", "x"));
        ReplyException text = refusal(FleetAddresses.POOLS, new JsonObject().put("horizonDays", "abc"));
        ReplyException negative = refusal(FleetAddresses.POOLS, new JsonObject().put("horizonDays", -3));
        ReplyException deadline = refusal(
                FleetAddresses.ROUTE_QUERY,
                new JsonObject().put("address", "kmsagent.status").put("deadlineMs", "abc"));
        ReplyException body = refusal(
                FleetAddresses.ROUTE_QUERY,
                new JsonObject().put("address", "kmsagent.status").put("body", "status"));
        ReplyException view = refusal(FleetAddresses.VIEW, new JsonObject().put("agent", "pc-1"));
        ReplyException enroll = refusal(
                FleetAddresses.ENROLL, new JsonObject().put("agentId", "pc-3").put("role", "admin"));

        assertThat(List.of(days, text, negative, deadline, body, view, enroll))
                .allSatisfy(e -> assertThat(e.failureCode()).isEqualTo(400));
        assertThat(days.getMessage()).isEqualTo("days: expected a whole number 0-3650, got \"x\" (text)");
        assertThat(text.getMessage()).isEqualTo("horizonDays: expected a whole number 1-3650, got \"abc\" (text)");
        assertThat(negative.getMessage()).isEqualTo("horizonDays: expected a whole number 1-3650, got -3");
        assertThat(deadline.getMessage()).isEqualTo("deadlineMs: expected a whole number 1-55000, got \"abc\" (text)");
        assertThat(body.getMessage()).isEqualTo("body: expected a JSON object, got \"status\" (text)");
        assertThat(view.getMessage()).isEqualTo("agent: unknown field (accepted: none, send {})");
        assertThat(enroll.getMessage()).isEqualTo("role: unknown field (accepted: agentId)");
    }

    @Test
    void aLongValueIsQuotedBackBounded() {
        ReplyException e = refusal(FleetAddresses.EXPIRING, new JsonObject().put("days", "9".repeat(5_000)));

        assertThat(e.getMessage())
                .startsWith("days: expected a whole number 0-3650, got \"99")
                .hasSizeLessThan(200);
    }

    @Test
    void ctlRefusesForecastWindowsOutOfRangeAsAUsageError() {
        CliRun negative = agents.ctl(LocalHub.READ_TOKEN, "fleet", "pools", "--horizon-days", "-3");
        CliRun huge = agents.ctl(LocalHub.READ_TOKEN, "fleet", "pools", "--horizon-days", "100000");
        CliRun days = agents.ctl(LocalHub.READ_TOKEN, "fleet", "expiring", "--days", "-1");

        assertThat(List.of(negative, huge, days))
                .allSatisfy(r -> assertThat(r.exitCode()).as(r.err()).isEqualTo(2));
        assertThat(negative.err()).contains("--horizon-days: expected a whole number of days 1-3650, got -3");
        assertThat(huge.err()).contains("--horizon-days: expected a whole number of days 1-3650, got 100000");
        assertThat(days.err()).contains("--days: expected a whole number of days 0-3650, got -1");
        assertThat(agents.ctl(LocalHub.READ_TOKEN, "fleet", "pools", "--horizon-days", "3650")
                        .exitCode())
                .isZero();
    }

    @Test
    void ctlRefusesADeadlineBeyondWhatAHubWaitsInSecondsNamingTheOption() {
        CliRun tooLong = agents.ctl(LocalHub.OPS_TOKEN, "--all-agents", "--deadline", "100", "status");
        CliRun zero = agents.ctl(LocalHub.OPS_TOKEN, "--all-agents", "--deadline", "0", "status");
        CliRun longest = agents.ctl(LocalHub.OPS_TOKEN, "--target", "pc-1", "--deadline", "55", "status");

        assertThat(List.of(tooLong, zero)).allSatisfy(r -> {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).doesNotContain("deadlineMs").doesNotContain("code 400");
        });
        assertThat(tooLong.err()).contains("--deadline: expected seconds from 0.001 to 55", "got 100");
        assertThat(zero.err()).contains("--deadline: expected seconds from 0.001 to 55", "got 0");
        assertThat(longest.exitCode()).as(longest.err()).isZero();
    }
}
