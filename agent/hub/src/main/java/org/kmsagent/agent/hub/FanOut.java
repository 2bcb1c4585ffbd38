package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fan-out in flight: who is expected, who answered, and the report. Used on its hub's event loop only. A query to
 * every agent goes out before the fleet's presence entries are read, so answers may come before {@link #expect} says
 * whom they are from.
 */
final class FanOut {
    /** Every agent in the fleet when the fan-out started; null until the presence entries are read. */
    private Set<String> expected;
    /** The expected agents that were connected, whose answers end the fan-out before its deadline. */
    private Set<String> awaited = Set.of();

    private final Map<String, JsonObject> answers = new HashMap<>();
    private final Promise<Void> done = Promise.promise();
    /** Awaited agents not yet answered (one check per answer, not a scan of all). */
    private int missing;

    /** Completes when every awaited agent has answered, or the deadline has passed. */
    Future<Void> done() {
        return done.future();
    }

    /** The deadline passed: the report is made with the answers in hand. */
    void deadlinePassed() {
        done.tryComplete();
    }

    /**
     * Notes whom to expect, from the fleet's presence entries ({@link AgentRecords#presence}): agents already known
     * gone are reported at once instead of holding every fan-out to its deadline; an answer from one of them still
     * counts if it comes.
     *
     * @return the agents awaited
     */
    Set<String> expect(Map<String, JsonObject> present, Instant now) {
        // Hash sets, not sorted ones: at 20,000 agents building two sorted sets and looking every answer up in one
        // took tens of milliseconds of the hub's event loop per fan-out; the report sorts once.
        expected = present.keySet();
        awaited = new HashSet<>();
        present.forEach((id, entry) -> {
            if (AgentRecords.connected(entry, now)) {
                awaited.add(id);
            }
        });
        answers.keySet().retainAll(expected);
        missing = 0;
        for (String id : awaited) {
            if (!answers.containsKey(id)) {
                missing++;
            }
        }
        if (missing == 0) {
            done.tryComplete();
        }
        return awaited;
    }

    void answer(JsonObject reply) {
        String id = reply.getString("agentId");
        if (id == null || (expected != null && !expected.contains(id))) {
            return;
        }
        // Before the entries are read every answer is kept; expect() drops those of agents the fleet does not hold.
        if (answers.putIfAbsent(id, reply) == null && expected != null && awaited.contains(id) && --missing == 0) {
            done.tryComplete();
        }
    }

    /** Who answered (each answer with the agent's host name) and who did not, and why. */
    JsonObject report(Map<String, JsonObject> present, Instant now, long deadline, long elapsedMs) {
        JsonArray answered = new JsonArray();
        JsonArray silent = new JsonArray();
        List<String> ids = new ArrayList<>(expected);
        Collections.sort(ids);
        for (String id : ids) {
            JsonObject a = answers.get(id);
            if (a != null) {
                // The answer is this fan-out's own copy (the event bus delivered it as one): no copy of it here.
                answered.add(a.put("hostName", present.get(id).getString("hostName")));
            } else {
                JsonObject r = present.get(id);
                boolean connected = AgentRecords.connected(r, now);
                silent.add(new JsonObject()
                        .put("agentId", id)
                        .put("hostName", r.getString("hostName"))
                        .put("hub", r.getString("hub"))
                        .put("lastSeen", r.getString("lastSeen"))
                        // Sent the request (connected) but silent: a change may have been made all the same.
                        .put("asked", connected)
                        .put(
                                "reason",
                                connected
                                        ? "no answer within " + deadline + " ms"
                                        : "not connected (last seen " + r.getString("lastSeen") + ")"));
            }
        }
        return new JsonObject()
                .put("answered", answered)
                .put("notAnswered", silent)
                .put("deadlineMs", deadline)
                .put("elapsedMs", elapsedMs);
    }
}
