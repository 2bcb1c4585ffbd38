package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * Events an agent publishes together reach its hub in one delivery, once the last of them is in the outbox, and an
 * event published alone still goes at once. A hub's work is per delivery, so a renewal's events sent as one batch
 * rather than as the first and then the rest halve what the hub does for them. A loopback hub that speaks the bridge's
 * framing and acknowledges every delivery at once.
 */
class FleetLinkBatchTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final List<JsonArray> deliveries = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eventsPublishedTogetherGoInOneDeliveryAndALaterOneGoesAlone() throws Exception {
        FleetLink link = LoopbackHub.link(vertx, dir, LoopbackHub.tls(dir), listen(), 3_600_000, 10_000);
        link.start();
        get(link.publish("renewed", new JsonObject().put("n", 0)));
        await(link, 1);

        // Five events published in one turn of the agent's context, as a renewal publishes its events.
        Promise<List<Long>> published = Promise.promise();
        link.context().runOnContext(v -> {
            List<Future<Long>> seqs = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                seqs.add(link.publish("renewed", new JsonObject().put("n", i)));
            }
            Future.all(seqs).map(all -> all.<Long>list()).onComplete(published);
        });
        assertThat(get(published.future())).containsExactly(2L, 3L, 4L, 5L, 6L);
        await(link, 2);
        get(link.publish("renewed", new JsonObject().put("n", 6)));
        await(link, 3);

        assertThat(deliveries)
                .extracting(FleetLinkBatchTest::seqs)
                .containsExactly(List.of(1L), List.of(2L, 3L, 4L, 5L, 6L), List.of(7L));
        get(link.stop());
    }

    /** Waits until the hub has had {@code n} deliveries and the agent has nothing left to deliver. */
    private void await(FleetLink link, int n) {
        Awaitility.await()
                .alias(n + " deliveries, all acknowledged")
                .atMost(Duration.ofSeconds(20))
                .until(() -> deliveries.size() >= n && link.pending() == 0);
    }

    private static List<Long> seqs(JsonArray events) {
        return events.stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
    }

    private int listen() throws Exception {
        return get(vertx.createNetServer(LoopbackHub.onHubCertificate(new NetServerOptions(), LoopbackHub.tls(dir)))
                        .connectHandler(socket -> LoopbackHub.onFrames(socket, frame -> received(socket, frame)))
                        .listen())
                .actualPort();
    }

    private void received(NetSocket socket, JsonObject frame) {
        String address = frame.getString("address");
        if (LoopbackHub.answeredAsABridge(socket, frame)) {
            return;
        }
        if (FleetAddresses.REGISTER.equals(address)) {
            LoopbackHub.reply(socket, frame, new JsonObject().put("lastSeq", 0L));
        } else if (FleetAddresses.HEARTBEAT.equals(address)) {
            LoopbackHub.reply(socket, frame, new JsonObject());
        } else if (FleetAddresses.EVENTS.equals(address)) {
            JsonArray events = frame.getJsonObject("body").getJsonArray("events");
            deliveries.add(events);
            LoopbackHub.reply(
                    socket,
                    frame,
                    new JsonObject()
                            .put(
                                    "acked",
                                    events.getJsonObject(events.size() - 1).getLong("seq")));
        }
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
