package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.Frames;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * An agent whose hub answers late keeps its one connection and waits for the answer, and one whose hub gave up on a
 * request sends it again on the same connection. A loopback hub that speaks the bridge's framing; nothing here waits on
 * the clock (the agent's request timeout is short, and the test waits for what the hub receives).
 */
class FleetLinkSlowHubTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAgentWhoseHubAnswersLateWaitsOnTheSameConnectionWithoutSendingAgain() throws Exception {
        SlowHub hub = new SlowHub(false);
        int port = hub.listen();
        FleetLink link = link(port, 100, 100);
        link.start();
        get(link.publish("renewed", new JsonObject().put("n", 1)));
        // The hub answers its first delivery only after three heartbeats (each answered at once) came after it:
        // past the agent's 100 ms request timeout.
        get(hub.deliveries(1));

        // The next event goes alone: the first was acknowledged by the late answer and never sent twice.
        get(link.publish("renewed", new JsonObject().put("n", 2)));
        List<JsonObject> all = get(hub.deliveries(2));
        assertThat(all.get(1).getJsonArray("events"))
                .extracting(e -> ((JsonObject) e).getLong("seq"))
                .containsExactly(2L);
        assertThat(hub.heartbeatsBeforeAnswer.get()).isGreaterThanOrEqualTo(3);
        assertThat(hub.connections.get()).isEqualTo(1);
        assertThat(link.hub()).contains("127.0.0.1:" + port);
        get(link.stop());
    }

    @Test
    void anAgentWhoseHubGaveUpOnItsEventsSendsThemAgainOnTheSameConnection() throws Exception {
        SlowHub hub = new SlowHub(true);
        int port = hub.listen();
        FleetLink link = link(port, 100, 3_600_000);
        link.start();
        get(link.publish("renewed", new JsonObject().put("n", 1)));

        // The hub answered the first delivery with 504 (its bus timed out); the agent sent the same events again, on
        // the same connection.
        List<JsonObject> first = get(hub.deliveries(2));
        assertThat(first.get(0).getJsonArray("events")).isEqualTo(first.get(1).getJsonArray("events"));

        // The next event goes alone: the first was acknowledged once, and still over the first connection.
        get(link.publish("renewed", new JsonObject().put("n", 2)));
        List<JsonObject> all = get(hub.deliveries(3));
        assertThat(all.get(2).getJsonArray("events"))
                .extracting(e -> ((JsonObject) e).getLong("seq"))
                .containsExactly(2L);
        assertThat(hub.connections.get()).isEqualTo(1);
        assertThat(link.hub()).contains("127.0.0.1:" + port);
        get(link.stop());
    }

    @RepeatedTest(10)
    void theWaitBeforeSendingAgainDoublesPerSlowAnswerWithJitterUpToTheMaximum() {
        assertThat(FleetLink.slowRetryDelay(1, 60_000)).isBetween(500L, 1_000L);
        assertThat(FleetLink.slowRetryDelay(2, 60_000)).isBetween(1_000L, 2_000L);
        assertThat(FleetLink.slowRetryDelay(4, 60_000)).isBetween(4_000L, 8_000L);
        assertThat(FleetLink.slowRetryDelay(40, 60_000)).isBetween(30_000L, 60_000L);
    }

    private FleetLink link(int port, long requestTimeoutMs, long heartbeatMs) {
        return LoopbackHub.link(vertx, dir, LoopbackHub.tls(dir), port, heartbeatMs, requestTimeoutMs);
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /**
     * Answers registrations and heartbeats at once. The first delivery of events it either answers with 504 (it gave
     * up), or holds back until three heartbeats have come after it.
     */
    private final class SlowHub {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger heartbeatsBeforeAnswer = new AtomicInteger();
        final List<JsonObject> events = new CopyOnWriteArrayList<>();
        private final List<Map.Entry<Integer, Promise<List<JsonObject>>>> waiting = new ArrayList<>();
        private final boolean givesUp;
        private JsonObject heldBack;

        SlowHub(boolean givesUp) {
            this.givesUp = givesUp;
        }

        int listen() throws Exception {
            NetServer server =
                    vertx.createNetServer(LoopbackHub.onHubCertificate(new NetServerOptions(), LoopbackHub.tls(dir)));
            server.connectHandler(this::connected);
            return get(server.listen()).actualPort();
        }

        /** Completes with the bodies of the first {@code n} deliveries of events once that many have arrived. */
        synchronized Future<List<JsonObject>> deliveries(int n) {
            Promise<List<JsonObject>> p = Promise.promise();
            waiting.add(Map.entry(n, p));
            check();
            return p.future();
        }

        private synchronized void check() {
            waiting.removeIf(w -> {
                if (events.size() >= w.getKey()) {
                    w.getValue().complete(List.copyOf(events.subList(0, w.getKey())));
                    return true;
                }
                return false;
            });
        }

        private void connected(NetSocket socket) {
            connections.incrementAndGet();
            LoopbackHub.onFrames(socket, frame -> received(socket, frame));
        }

        private void received(NetSocket socket, JsonObject frame) {
            String address = frame.getString("address");
            if (LoopbackHub.answeredAsABridge(socket, frame)) { // at once, however slow its consumers
                return;
            }
            JsonObject body = frame.getJsonObject("body");
            if (FleetAddresses.REGISTER.equals(address)) {
                LoopbackHub.reply(socket, frame, new JsonObject().put("lastSeq", 0L));
            } else if (FleetAddresses.HEARTBEAT.equals(address)) {
                LoopbackHub.reply(socket, frame, new JsonObject());
                if (heldBack != null && heartbeatsBeforeAnswer.incrementAndGet() == 3) {
                    LoopbackHub.reply(socket, heldBack, acked(heldBack.getJsonObject("body"))); // late
                    heldBack = null;
                }
            } else if (FleetAddresses.EVENTS.equals(address)) {
                events.add(body);
                if (events.size() > 1) {
                    LoopbackHub.reply(socket, frame, acked(body));
                } else if (givesUp) {
                    socket.write(Frames.encode(new JsonObject()
                            .put("type", "err")
                            .put("address", frame.getString("replyAddress"))
                            .put("failureCode", 504)
                            .put("failureType", "TIMEOUT")
                            .put("message", "Timed out after waiting 120000(ms) for a reply")));
                } else {
                    heldBack = frame; // answered late, above
                }
                check();
            }
        }

        private static JsonObject acked(JsonObject body) {
            JsonArray events = body.getJsonArray("events");
            return new JsonObject()
                    .put("acked", events.getJsonObject(events.size() - 1).getLong("seq"));
        }
    }
}
