package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub gathers its agents' answers to another hub's fan-out and sends them on in batches: the asking hub gets every
 * answer, in the order they came, in a few messages rather than one per agent.
 */
class RelayedAnswersTest {
    private static final String ASKING_HUB = "kmsagent.fleet.reply.hub-asking";

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void sixHundredAnswersReachTheAskingHubInThreeBatchesInTheOrderTheyCame() throws Exception {
        List<JsonObject> batches = new CopyOnWriteArrayList<>();
        vertx.eventBus()
                .<JsonObject>consumer(ASKING_HUB, m -> batches.add(m.body()))
                .completion()
                .await(10, TimeUnit.SECONDS);

        vertx.runOnContext(v -> {
            RelayedAnswers gathered = new RelayedAnswers(vertx, "req-1", ASKING_HUB, -1);
            IntStream.range(0, 600).forEach(i -> gathered.add(answer(i)));
        });

        // Two full batches at once, the last 88 after the linger.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> batches.stream()
                                .mapToInt(b -> b.getJsonArray("answers").size())
                                .sum()
                        == 600);
        assertThat(batches)
                .extracting(b -> b.getJsonArray("answers").size())
                .containsExactly(RelayedAnswers.BATCH, RelayedAnswers.BATCH, 600 - 2 * RelayedAnswers.BATCH);
        assertThat(batches).allSatisfy(b -> assertThat(b.getString("requestId")).isEqualTo("req-1"));
        assertThat(batches.stream()
                        .flatMap(b -> b.getJsonArray("answers").stream())
                        .map(a -> ((JsonObject) a).getString("agentId")))
                .containsExactlyElementsOf(
                        IntStream.range(0, 600).mapToObj(i -> "pc-" + i).toList());
    }

    @Test
    void aFlushWithNothingGatheredSendsNothingAndAnswersAfterItStillArrive() throws Exception {
        List<JsonArray> batches = new CopyOnWriteArrayList<>();
        vertx.eventBus()
                .<JsonObject>consumer(ASKING_HUB, m -> batches.add(m.body().getJsonArray("answers")))
                .completion()
                .await(10, TimeUnit.SECONDS);

        vertx.runOnContext(v -> {
            RelayedAnswers gathered = new RelayedAnswers(vertx, "req-2", ASKING_HUB, 2);
            gathered.flush();
            gathered.add(answer(1));
            gathered.add(answer(2));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> !batches.isEmpty());
        assertThat(batches).singleElement().satisfies(b -> assertThat(b.size()).isEqualTo(2));
    }

    private static JsonObject answer(int i) {
        return new JsonObject()
                .put("requestId", "req")
                .put("agentId", "pc-" + i)
                .put("ok", true)
                .put("reply", new JsonObject().put("products", new JsonArray()));
    }
}
