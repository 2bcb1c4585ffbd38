package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusAddresses;

/**
 * Clients of one bridge that register on the same address share one consumer (a hub's thousands of agents on the
 * address every agent hears): each still hears every publish and its share of sends, and the address's consumer goes
 * when its last client does.
 */
class SharedSubscriptionTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    @AfterEach
    void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void everyClientHearsEachPublishAndASendReachesOneOfThemInTurn() throws Exception {
        AgentBridge bridge = EventsReaders.bridge(vertx, dir);
        List<RawBridgeClient> clients = registered(bridge, 3);

        for (int n = 1; n <= 3; n++) {
            vertx.eventBus().send(BusAddresses.EVENTS, new JsonObject().put("n", n));
        }
        vertx.eventBus().publish(BusAddresses.EVENTS, new JsonObject().put("marker", true));

        // What one client hears is in the order the bridge wrote it: a client sent more than one message, or none,
        // would read the marker second to last, or first.
        Set<Integer> sent = new HashSet<>();
        for (RawBridgeClient c : clients) {
            JsonObject first = c.readFrame();
            assertThat(first.getBoolean("send")).isTrue();
            sent.add(first.getJsonObject("body").getInteger("n"));
            JsonObject second = c.readFrame();
            assertThat(second.getString("address")).isEqualTo(BusAddresses.EVENTS);
            assertThat(second.getBoolean("send")).isFalse();
            assertThat(second.getJsonObject("body").getBoolean("marker")).isTrue();
        }
        assertThat(sent).containsExactlyInAnyOrder(1, 2, 3);
        for (RawBridgeClient c : clients) {
            c.close();
        }
    }

    @Test
    void aClientThatLeavesStopsHearingAndTheLastOneOutRemovesTheConsumer() throws Exception {
        AgentBridge bridge = EventsReaders.bridge(vertx, dir);
        List<RawBridgeClient> clients = registered(bridge, 2);
        RawBridgeClient leaving = clients.get(0);
        RawBridgeClient staying = clients.get(1);

        leaving.sendFrame(EventsReaders.frame("unregister"));
        // A ping after it: its pong says the bridge has handled the unregistration.
        leaving.sendFrame(new JsonObject().put("type", "ping"));
        assertThat(leaving.readFrame().getString("type")).isEqualTo("pong");
        vertx.eventBus().publish(BusAddresses.EVENTS, new JsonObject().put("n", 1));
        assertThat(staying.readFrame().getJsonObject("body").getInteger("n")).isEqualTo(1);
        leaving.sendFrame(new JsonObject().put("type", "ping"));
        assertThat(leaving.readFrame().getString("type"))
                .as("the client that unregistered hears no more")
                .isEqualTo("pong");

        leaving.close();
        staying.close();
        // Once the bridge has seen both go, nothing consumes the address any more.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ReplyFailure failure = null;
        while (failure != ReplyFailure.NO_HANDLERS && System.nanoTime() < deadline) {
            failure = vertx.eventBus()
                    // While the consumer is there nobody answers: a short timeout, then ask again.
                    .request(BusAddresses.EVENTS, new JsonObject(), new DeliveryOptions().setSendTimeout(200))
                    .map(m -> (ReplyFailure) null)
                    .otherwise(t -> t instanceof ReplyException re ? re.failureType() : null)
                    .await(10, TimeUnit.SECONDS);
        }
        assertThat(failure).isEqualTo(ReplyFailure.NO_HANDLERS);
    }

    /** Connects {@code n} clients to the bridge's one event loop, each registered on the events address. */
    private static List<RawBridgeClient> registered(AgentBridge bridge, int n) throws Exception {
        List<RawBridgeClient> clients = EventsReaders.registered(bridge, n);
        assertThat(bridge.eventLoops()).hasSize(1);
        return clients;
    }
}
