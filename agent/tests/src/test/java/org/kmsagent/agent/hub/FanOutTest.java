package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A query to every agent goes out before the hub has read who is in the fleet: answers may come first. */
class FanOutTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static JsonObject record(String host, Instant lastSeen) {
        return AgentRecords.register(
                null,
                new JsonObject()
                        .put("agentId", host.toLowerCase())
                        .put("hostName", host)
                        .put("heartbeatSeconds", 10),
                "hub-a",
                lastSeen);
    }

    private static JsonObject answer(String agentId) {
        return new JsonObject().put("agentId", agentId).put("body", new JsonObject().put("ok", true));
    }

    private static final Map<String, JsonObject> FLEET = Map.of(
            "pc-1", record("PC-1", NOW),
            "pc-2", record("PC-2", NOW),
            "pc-gone", record("PC-GONE", NOW.minusSeconds(3600)));

    @Test
    void answersThatCameBeforeTheRecordsWereReadEndTheFanOutOnceTheyAre() {
        FanOut fanOut = new FanOut();
        fanOut.answer(answer("pc-1"));
        fanOut.answer(answer("pc-2"));
        assertThat(fanOut.done().isComplete())
                .as("whom to expect is not known yet")
                .isFalse();

        assertThat(fanOut.expect(FLEET, NOW)).containsExactly("pc-1", "pc-2");

        assertThat(fanOut.done().isComplete()).isTrue();
        JsonObject report = fanOut.report(FLEET, NOW, 5_000, 12);
        assertThat(report.getJsonArray("answered").stream().map(a -> ((JsonObject) a).getString("hostName")))
                .containsExactly("PC-1", "PC-2");
        assertThat(report.getJsonArray("notAnswered").getJsonObject(0).getString("reason"))
                .startsWith("not connected (last seen ");
        assertThat(report.getJsonArray("notAnswered").getJsonObject(0).getBoolean("asked"))
                .as("a change was never sent to an agent not connected")
                .isFalse();
    }

    @Test
    void aConnectedAgentThatDidNotAnswerInTimeWasAskedSoAChangeMayHaveBeenMade() {
        FanOut fanOut = new FanOut();
        fanOut.expect(FLEET, NOW);
        fanOut.answer(answer("pc-1"));

        JsonObject silent = fanOut.report(FLEET, NOW, 5_000, 5_000).getJsonArray("notAnswered").stream()
                .map(JsonObject.class::cast)
                .filter(a -> a.getString("agentId").equals("pc-2"))
                .findFirst()
                .orElseThrow();
        assertThat(silent.getString("reason")).isEqualTo("no answer within 5000 ms");
        assertThat(silent.getBoolean("asked")).isTrue();
    }

    @Test
    void anAnswerFromAnAgentTheFleetDoesNotHoldIsDroppedWhenTheRecordsAreRead() {
        FanOut fanOut = new FanOut();
        fanOut.answer(answer("pc-stranger"));
        fanOut.answer(answer("pc-1"));
        fanOut.expect(FLEET, NOW);

        assertThat(fanOut.done().isComplete()).as("pc-2 has not answered").isFalse();
        fanOut.answer(answer("pc-stranger"));
        fanOut.answer(answer("pc-2"));
        assertThat(fanOut.done().isComplete()).isTrue();

        JsonObject report = fanOut.report(FLEET, NOW, 5_000, 12);
        assertThat(report.getJsonArray("answered").stream().map(a -> ((JsonObject) a).getString("agentId")))
                .containsExactly("pc-1", "pc-2");
        assertThat(report.getJsonArray("notAnswered").stream().map(a -> ((JsonObject) a).getString("agentId")))
                .containsExactly("pc-gone");
    }

    @Test
    void aSecondAnswerFromOneAgentIsNotCountedTwice() {
        FanOut fanOut = new FanOut();
        fanOut.expect(FLEET, NOW);
        fanOut.answer(answer("pc-1"));
        fanOut.answer(answer("pc-1"));
        assertThat(fanOut.done().isComplete()).as("pc-2 has not answered").isFalse();
    }

    @Test
    void atTheDeadlineAConnectedAgentThatDidNotAnswerIsReportedSo() {
        FanOut fanOut = new FanOut();
        fanOut.expect(FLEET, NOW);
        fanOut.answer(answer("pc-1"));
        fanOut.deadlinePassed();

        assertThat(fanOut.done().isComplete()).isTrue();
        JsonObject report = fanOut.report(FLEET, NOW.plusSeconds(5), 5_000, 5_003);
        assertThat(report.getJsonArray("notAnswered").stream()
                        .map(a -> ((JsonObject) a).getString("agentId") + ": " + ((JsonObject) a).getString("reason")))
                .contains("pc-2: no answer within 5000 ms");
    }
}
