package org.kmsagent.agent.hub;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The answers of this hub's agents to a fan-out another hub asked, gathered here and sent on to the asking hub in
 * batches: one clustered message for up to {@value #BATCH} answers instead of one each. At 10,000 agents on the other
 * hub a fan-out to all was 10,000 messages between the two hub processes, each encoded, written, read and handled
 * on its own (docs/performance-log.md, "Runs of 2026-12-03, early morning"). Used on its hub's event loop only.
 *
 * <p>A batch is sent when it is full, when the answers of every named target are in, or {@value #LINGER_MS} ms after
 * its first answer, so an answer waits at most that long here.
 */
final class RelayedAnswers {
    /** Answers per batch: 256 status answers are about 90 KB of JSON in the benchmark. */
    static final int BATCH = 256;
    /** How long the first answer of a batch waits for others. */
    static final long LINGER_MS = 10;

    private final Vertx vertx;
    private final String requestId;
    private final String askingHub;
    /** How many answers end the relay (the targets named), or -1 for a query to every agent. */
    private final int expected;

    private JsonArray batch = new JsonArray();
    private long lingerTimer = -1;
    private int received;

    /**
     * @param askingHub the asking hub's reply address, where the batches go
     * @param expected the number of agents the relay named, or -1 when it went to every agent connected here
     */
    RelayedAnswers(Vertx vertx, String requestId, String askingHub, int expected) {
        this.vertx = vertx;
        this.requestId = requestId;
        this.askingHub = askingHub;
        this.expected = expected;
    }

    void add(JsonObject answer) {
        batch.add(answer);
        received++;
        if (batch.size() >= BATCH || received == expected) {
            flush();
        } else if (lingerTimer < 0) {
            lingerTimer = vertx.setTimer(LINGER_MS, t -> {
                lingerTimer = -1;
                flush();
            });
        }
    }

    /** Sends what is gathered; called when full, on the linger timer and when the asking hub's deadline passes. */
    void flush() {
        if (lingerTimer >= 0) {
            vertx.cancelTimer(lingerTimer);
            lingerTimer = -1;
        }
        if (batch.isEmpty()) {
            return;
        }
        vertx.eventBus().send(askingHub, batch(requestId, batch));
        batch = new JsonArray();
    }

    /** The message a batch travels in: {@code {"requestId": ..., "answers": [...]}}. */
    static JsonObject batch(String requestId, JsonArray answers) {
        return new JsonObject().put("requestId", requestId).put("answers", answers);
    }
}
