package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.Outbox;

class AgentRecordsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private static JsonObject event(long seq, String type, JsonObject data) {
        return new JsonObject()
                .put("seq", seq)
                .put("type", type)
                .put("at", T0.plusSeconds(seq).toString())
                .put("data", data);
    }

    private static JsonObject registered() {
        return AgentRecords.register(
                null,
                new JsonObject().put("agentId", "pc-1").put("hostName", "PC-1").put("heartbeatSeconds", 10),
                "hub-a",
                T0);
    }

    private static JsonObject hostHolding(String... cmidsLastSeen) {
        JsonArray ledger = new JsonArray();
        for (int i = 0; i < cmidsLastSeen.length; i += 2) {
            ledger.add(new JsonObject()
                    .put("clientMachineId", cmidsLastSeen[i])
                    .put("applicationId", "app")
                    .put("lastSeen", cmidsLastSeen[i + 1]));
        }
        return new JsonObject().put("enabled", true).put("ledger", ledger);
    }

    @Test
    void aClientTheHostNoLongerHoldsIsForgottenOnceItsArrivalIsPastTheWindowAndOneStillHeldIsKept() {
        JsonObject r = registered();
        r = AgentRecords.apply(
                        r,
                        new JsonArray()
                                .add(event(
                                        1,
                                        FleetAddresses.EVENT_HOST,
                                        hostHolding("c1", "2026-02-28T00:00:00Z", "c2", "2026-02-28T00:00:00Z"))),
                        T0)
                .record();
        assertThat(r.getJsonObject("firstSeen").getJsonObject("app").fieldNames())
                .containsExactlyInAnyOrder("c1", "c2");

        // Sixty days on, the host holds c2 (renewing) and a new c3; c1 left its table.
        Instant later = T0.plus(Duration.ofDays(60));
        r = AgentRecords.apply(
                        r,
                        new JsonArray()
                                .add(event(
                                        2,
                                        FleetAddresses.EVENT_HOST,
                                        hostHolding("c2", "2026-04-29T00:00:00Z", "c3", "2026-04-29T00:00:00Z"))),
                        later)
                .record();

        JsonObject pool = r.getJsonObject("firstSeen").getJsonObject("app");
        assertThat(pool.fieldNames()).containsExactlyInAnyOrder("c2", "c3");
        assertThat(pool.getString("c2"))
                .as("still its first sighting: not a new arrival")
                .isEqualTo("2026-02-28T00:00:00Z");
    }

    @Test
    void anEventLargerThanAnAgentMayPublishIsRefusedNamingItsSeqAndSizeAndNothingOfTheBatchIsApplied(@TempDir Path dir)
            throws Exception {
        // The largest event an agent's outbox writes is accepted; one byte more is refused, as the outbox refuses it.
        // An ASCII event: its characters are its bytes. Its size without the note, then a note that fills it up.
        int overhead =
                event(1, "renewal", new JsonObject().put("note", "")).encode().length();
        String filler = "x".repeat(FleetAddresses.MAX_EVENT_BYTES - overhead);
        JsonObject atLimit;
        try (Outbox outbox = new Outbox(dir.resolve("outbox"), "pc-0042")) {
            assertThatThrownBy(() -> outbox.append(
                            "renewal", T0.plusSeconds(1).toString(), new JsonObject().put("note", filler + "x")))
                    .as("the outbox's own limit")
                    .isInstanceOf(IllegalArgumentException.class);
            atLimit = outbox.append("renewal", T0.plusSeconds(1).toString(), new JsonObject().put("note", filler));
        }
        JsonObject tooLarge = atLimit.copy().put("seq", 2L);
        tooLarge.getJsonObject("data")
                .put("note", tooLarge.getJsonObject("data").getString("note") + "x");
        JsonObject r = registered();

        assertThat(AgentRecords.apply(r, new JsonArray().add(atLimit), T0).accepted())
                .hasSize(1);
        assertThatThrownBy(
                        () -> AgentRecords.apply(r, new JsonArray().add(atLimit).add(tooLarge), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("events: seq 2 is " + (FleetAddresses.MAX_EVENT_BYTES + 1) + " bytes; an event is at most "
                        + FleetAddresses.MAX_EVENT_BYTES);
        assertThat(r.getLong("lastSeq", 0L)).as("the record given is unchanged").isZero();
    }

    @Test
    void aProductsRefreshCarriesTheMachinesCmidsSoACmidThatCameAfterTheRegistrationIsCompared() {
        // Registered before its first product was installed: Windows had no CMID to give yet.
        JsonObject r = registered().put("cmids", new JsonArray());
        JsonObject products = new JsonObject()
                .put("products", new JsonArray().add(new JsonObject().put("family", "windows-client")))
                .put("cmids", new JsonArray().add("2b1c0000-0000-4000-8000-000000000001"));

        JsonObject after = AgentRecords.apply(
                        r, new JsonArray().add(event(1, FleetAddresses.EVENT_PRODUCTS, products)), T0)
                .record();
        assertThat(after.getJsonArray("cmids")).containsExactly("2b1c0000-0000-4000-8000-000000000001");
        assertThat(AgentRecords.machine(after).cmids()).containsExactly("2b1c0000-0000-4000-8000-000000000001");

        // An agent of an earlier build sends products alone: the CMIDs stay.
        JsonObject older = AgentRecords.apply(
                        after,
                        new JsonArray()
                                .add(event(
                                        2,
                                        FleetAddresses.EVENT_PRODUCTS,
                                        new JsonObject().put("products", new JsonArray()))),
                        T0)
                .record();
        assertThat(older.getJsonArray("cmids")).containsExactly("2b1c0000-0000-4000-8000-000000000001");

        // CMIDs that are not text are refused, naming the event and the field; the record given is unchanged.
        for (Object bad : new Object[] {"2b1c", new JsonArray().add(7), null}) {
            JsonArray batch = new JsonArray()
                    .add(event(3, FleetAddresses.EVENT_PRODUCTS, products.copy().put("cmids", bad)));
            assertThatThrownBy(() -> AgentRecords.apply(older, batch, T0))
                    .as(String.valueOf(bad))
                    .hasMessage("events: seq 3 (products): cmids: expected an array of text");
        }
        assertThat(older.getLong("lastSeq")).isEqualTo(2L);
    }

    @Test
    void eventsDeliveredTwiceAreAcceptedOnce() {
        JsonObject r = registered();
        var first = AgentRecords.apply(
                r,
                new JsonArray()
                        .add(event(1, "activation", new JsonObject()))
                        .add(event(2, "activation", new JsonObject()))
                        .add(event(3, "activation", new JsonObject())),
                T0);
        // The ack for 1-3 was lost; the agent fails over and sends 2-4 again.
        var second = AgentRecords.apply(
                first.record(),
                new JsonArray()
                        .add(event(2, "activation", new JsonObject()))
                        .add(event(3, "activation", new JsonObject()))
                        .add(event(4, "activation", new JsonObject())),
                T0);

        assertThat(first.accepted()).extracting(e -> e.getLong("seq")).containsExactly(1L, 2L, 3L);
        assertThat(second.accepted()).extracting(e -> e.getLong("seq")).containsExactly(4L);
        assertThat(second.record().getLong("lastSeq")).isEqualTo(4L);
    }

    @Test
    void aPresenceEntryHoldsWhoTheAgentIsWhereItIsConnectedAndWhenItWasLastHeardFrom() {
        JsonObject r = registered().put("hubInstance", "i-1").put("products", new JsonArray().add(new JsonObject()));

        JsonObject p = AgentRecords.presence(r);

        assertThat(p.fieldNames())
                .containsExactlyInAnyOrder(
                        "hostName", "hub", "hubInstance", "heartbeatSeconds", "lastSeen", "lastSeenMs");
        assertThat(p.getString("lastSeen")).isEqualTo(T0.toString());
        assertThat(AgentRecords.connected(p, T0.plusSeconds(29))).isTrue();
        assertThat(AgentRecords.connected(p, T0.plusSeconds(30))).isFalse();
    }

    @Test
    void theViewTakesWhereAndWhenFromAPresenceEntryHeardFromLaterAndLeavesTheStoredRecordAlone() {
        JsonObject r = registered();
        JsonObject stored = r.copy();
        JsonObject later = AgentRecords.heartbeat(AgentRecords.presence(r), T0.plusSeconds(60))
                .put("hub", "hub-b");

        JsonObject shown = AgentRecords.withPresence(r, later);

        assertThat(shown.getString("lastSeen")).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(shown.getString("hub")).isEqualTo("hub-b");
        assertThat(shown.getString("hostName")).isEqualTo("PC-1");
        assertThat(r).isEqualTo(stored);
        // Events delivered after the last heartbeat moved the record on: its own time is the later one.
        JsonObject older = AgentRecords.presence(r);
        JsonObject moved = AgentRecords.heartbeat(r, T0.plusSeconds(90));
        assertThat(AgentRecords.withPresence(moved, older).getString("lastSeen"))
                .isEqualTo(T0.plusSeconds(90).toString());
        assertThat(AgentRecords.withPresence(r, null)).isSameAs(r);
    }

    @Test
    void reRegisteringThroughAnotherHubKeepsWhatTheViewAlreadyHas() {
        JsonObject r = AgentRecords.apply(registered(), new JsonArray().add(event(1, "x", new JsonObject())), T0)
                .record();
        JsonObject again = AgentRecords.register(
                r, new JsonObject().put("agentId", "pc-1").put("hostName", "PC-1"), "hub-b", T0.plusSeconds(60));

        assertThat(again.getLong("lastSeq")).isEqualTo(1L);
        assertThat(again.getString("hub")).isEqualTo("hub-b");
    }

    @Test
    void failedRenewalsAccumulateWithTheirDiagnosisAndASuccessClearsThem() {
        JsonObject failure = new JsonObject()
                .put("kind", "RENEWAL_FAILED")
                .put("family", "windows-client")
                .put("hresult", "0xC004F074")
                .put("diagnosis", new JsonObject().put("cause", "CLOCK_SKEW").put("detail", "client is 5 h ahead"));
        JsonObject r = AgentRecords.apply(
                        registered(),
                        new JsonArray().add(event(1, "renewal", failure)).add(event(2, "renewal", failure)),
                        T0)
                .record();
        JsonObject fam = r.getJsonObject("renewals").getJsonObject("windows-client");

        assertThat(fam.getJsonObject("failure").getInteger("failures")).isEqualTo(2);
        assertThat(fam.getJsonObject("failure").getString("cause")).isEqualTo("CLOCK_SKEW");

        JsonObject renewed = new JsonObject()
                .put("kind", "RENEWED")
                .put("family", "windows-client")
                .put("time", "2026-03-02T00:00:00Z");
        JsonObject after = AgentRecords.apply(r, new JsonArray().add(event(3, "renewal", renewed)), T0)
                .record();
        JsonObject renewedFamily = after.getJsonObject("renewals").getJsonObject("windows-client");
        assertThat(renewedFamily.containsKey("failure")).isFalse();
        assertThat(renewedFamily.getString("lastSuccess")).isEqualTo("2026-03-02T00:00:00Z");
    }

    @Test
    void aSequenceNumberBeyondWhatTheAgentHasWrittenIsRefused() {
        JsonObject r = AgentRecords.register(
                null, new JsonObject().put("agentId", "pc-1").put("writtenSeq", 40L), "hub-a", T0);
        // An outbox may resend from below what it had written when it registered (the hubs lost their view) ...
        var resent = AgentRecords.apply(
                r,
                new JsonArray()
                        .add(event(38, "a", new JsonObject()))
                        .add(event(39, "a", new JsonObject()))
                        .add(event(41, "a", new JsonObject())),
                T0);
        assertThat(resent.record().getLong("lastSeq")).isEqualTo(41L);
        // ... but never jump past it.
        assertThatThrownBy(() -> AgentRecords.apply(
                        resent.record(), new JsonArray().add(event(1_000_000_000_000L, "a", new JsonObject())), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "events: seq 1000000000000 is beyond what this agent has written (next expected at most 42)");
    }

    @Test
    void anEventWithoutSequenceNumberIsRefusedNamingTheField() {
        assertThatThrownBy(() -> AgentRecords.apply(registered(), new JsonArray().add(new JsonObject()), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seq");
    }

    @Test
    void anAgentIsDisconnectedAfterThreeMissedHeartbeats() {
        JsonObject r = registered();
        assertThat(AgentRecords.connected(r, T0.plusSeconds(29))).isTrue();
        assertThat(AgentRecords.connected(r, T0.plusSeconds(30))).isFalse();
    }

    @Test
    void aRecordAnEarlierHubWroteWithTheTextTimeOnlyIsJudgedTheSameWay() {
        JsonObject r = registered();
        r.remove("lastSeenMs");
        assertThat(AgentRecords.connected(r, T0.plusSeconds(29))).isTrue();
        assertThat(AgentRecords.connected(r, T0.plusSeconds(30))).isFalse();
        assertThat(AgentRecords.connected(AgentRecords.heartbeat(r, T0.plusSeconds(20)), T0.plusSeconds(49)))
                .isTrue();
    }

    @Test
    void anHResultRecordInAnEventReadsAsItsHexCodeAndName() {
        assertThat(AgentRecords.hresult(new JsonObject()
                        .put("code", 0xC004F074)
                        .put("name", "SL_E_AUTHN_CANT_BE_VERIFIED")
                        .put("meaning", "...")))
                .isEqualTo("0xC004F074 SL_E_AUTHN_CANT_BE_VERIFIED");
        assertThat(AgentRecords.hresult("0xC004F038")).isEqualTo("0xC004F038");
    }

    @Test
    void aStateRefreshOlderThanTheRegistrationSnapshotDoesNotOverwriteIt() {
        // The agent wrote events up to 7 (a products refresh among them) while offline, then registered with a fresh
        // snapshot; the outbox delivers 6-8 afterwards.
        JsonObject r = AgentRecords.register(
                null,
                new JsonObject()
                        .put("agentId", "pc-1")
                        .put("writtenSeq", 7L)
                        .put("products", new JsonArray().add(new JsonObject().put("status", "LICENSED"))),
                "hub-a",
                T0);
        JsonObject stale =
                new JsonObject().put("products", new JsonArray().add(new JsonObject().put("status", "INITIAL_GRACE")));
        JsonObject fresh = new JsonObject()
                .put("products", new JsonArray().add(new JsonObject().put("status", "ADDITIONAL_GRACE")));

        JsonObject afterStale = AgentRecords.apply(
                        r, new JsonArray().add(event(6, FleetAddresses.EVENT_PRODUCTS, stale)), T0)
                .record();
        JsonObject afterFresh = AgentRecords.apply(
                        afterStale, new JsonArray().add(event(8, FleetAddresses.EVENT_PRODUCTS, fresh)), T0)
                .record();

        assertThat(afterStale.getJsonArray("products").getJsonObject(0).getString("status"))
                .isEqualTo("LICENSED");
        assertThat(afterStale.getLong("lastSeq")).isEqualTo(6L);
        assertThat(afterFresh.getJsonArray("products").getJsonObject(0).getString("status"))
                .isEqualTo("ADDITIONAL_GRACE");
    }
}
