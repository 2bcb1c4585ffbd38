package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A query to all is sent before the fleet's records are read, so answers may come before the hub knows who was
 * expected: they are kept, counted once the records are read, and the fan-out completes as soon as every connected
 * agent has answered, whichever came first.
 */
class FanOutTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void answersBeforeTheRecordsAreReadCountAndCompleteTheFanOutWhenAllCameFirst() {
        FleetHub.FanOut fanOut = new FleetHub.FanOut();
        fanOut.answer(answer("a1"));
        fanOut.answer(answer("a2"));
        assertThat(fanOut.done.future().isComplete()).isFalse();

        fanOut.expect(Set.of("a1", "a2"), Set.of("a1", "a2"));

        assertThat(fanOut.done.future().isComplete()).isTrue();
        JsonObject report = fanOut.report(records("a1", "a2"), NOW, 5_000, 12);
        assertThat(ids(report.getJsonArray("answered"))).containsExactly("a1", "a2");
        assertThat(report.getJsonArray("notAnswered")).isEmpty();
    }

    @Test
    void anAnswerBeforeAndOneAfterTheRecordsCompleteItOnlyWhenBothAreIn() {
        FleetHub.FanOut fanOut = new FleetHub.FanOut();
        fanOut.answer(answer("a2"));
        fanOut.expect(Set.of("a1", "a2"), Set.of("a1", "a2"));
        assertThat(fanOut.done.future().isComplete()).isFalse();

        fanOut.answer(answer("a2")); // the same agent twice counts once
        assertThat(fanOut.done.future().isComplete()).isFalse();
        fanOut.answer(answer("a1"));

        assertThat(fanOut.done.future().isComplete()).isTrue();
    }

    @Test
    void anAnswerFromAnAgentTheRecordsDoNotHoldIsDroppedAndASilentAgentIsNamed() {
        FleetHub.FanOut fanOut = new FleetHub.FanOut();
        fanOut.answer(answer("stranger"));
        fanOut.expect(Set.of("a1", "a2"), Set.of("a1", "a2"));
        fanOut.answer(answer("a1"));
        fanOut.answer(answer("late-stranger"));
        assertThat(fanOut.done.future().isComplete()).isFalse();

        fanOut.done.tryComplete(); // the deadline
        JsonObject report = fanOut.report(records("a1", "a2"), NOW, 5_000, 5_000);
        assertThat(ids(report.getJsonArray("answered"))).containsExactly("a1");
        assertThat(ids(report.getJsonArray("notAnswered"))).containsExactly("a2");
        assertThat(report.getJsonArray("notAnswered").getJsonObject(0).getString("reason"))
                .isEqualTo("no answer within 5000 ms");
    }

    @Test
    void whenNoAgentIsConnectedTheFanOutCompletesAtOnce() {
        FleetHub.FanOut fanOut = new FleetHub.FanOut();
        fanOut.expect(Set.of("a1"), Set.of());
        assertThat(fanOut.done.future().isComplete()).isTrue();
    }

    private static JsonObject answer(String agentId) {
        return new JsonObject().put("agentId", agentId).put("requestId", "r").put("body", new JsonObject());
    }

    private static Map<String, JsonObject> records(String... ids) {
        Map<String, JsonObject> all = new java.util.TreeMap<>();
        for (String id : ids) {
            all.put(
                    id,
                    new JsonObject()
                            .put("agentId", id)
                            .put("hostName", "pc-" + id)
                            .put("hub", "hub-a")
                            .put("lastSeen", NOW.toString())
                            .put("lastSeenMs", NOW.toEpochMilli()));
        }
        return all;
    }

    private static java.util.List<String> ids(JsonArray list) {
        return list.stream().map(o -> ((JsonObject) o).getString("agentId")).toList();
    }
}
