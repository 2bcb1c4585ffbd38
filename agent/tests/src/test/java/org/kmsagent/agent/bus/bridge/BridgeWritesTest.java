package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusAddresses;

/**
 * The bridge writes to each connection straight from its event loop, without Vert.x's per-socket queue for writes from
 * other threads (a hub's heap per agent, docs/performance-log.md); what the queue gave stays: a client that stops
 * reading is closed as a slow consumer, and the others hear every message.
 */
class BridgeWritesTest {
    /** 32 KB of body: a client that does not read fills the socket's buffers in a few hundred messages. */
    private static final String PAYLOAD = "x".repeat(32 * 1024);
    /** At most 64 MB through the bridge before the test gives up on the slow client being closed. */
    private static final int MAX_MESSAGES = 2_000;

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    @AfterEach
    void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void everyConnectionOfTheBridgeWritesStraightToItsChannel() throws Exception {
        AgentBridge bridge = EventsReaders.bridge(vertx, dir);
        List<RawBridgeClient> clients = EventsReaders.registered(bridge, 3);
        assertThat(bridge.connectionCount()).isEqualTo(3);
        assertThat(bridge.directConnections()).isEqualTo(3);
        for (RawBridgeClient c : clients) {
            c.close();
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAsASlowConsumerWhileTheOtherHearsEveryMessage() throws Exception {
        AgentBridge bridge = EventsReaders.bridge(vertx, dir);
        List<RawBridgeClient> clients = EventsReaders.registered(bridge, 2);
        RawBridgeClient reader = clients.get(0);
        RawBridgeClient stalled = clients.get(1);

        // One message at a time, each read by the reader before the next: only the stalled client falls behind.
        int sent = 0;
        while (bridge.connectionCount() == 2 && sent < MAX_MESSAGES) {
            sent++;
            vertx.eventBus()
                    .publish(
                            BusAddresses.EVENTS, new JsonObject().put("n", sent).put("pad", PAYLOAD));
            JsonObject heard = reader.readFrame();
            assertThat(heard.getJsonObject("body").getInteger("n")).isEqualTo(sent);
        }
        // Once found slow it is closed within the few seconds Netty's TLS handler gives its close notice.
        int messages = sent;
        await().alias("the stalled client closed, " + messages + " messages sent")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> bridge.connectionCount() != 2);
        assertThat(bridge.connectionCount())
                .as("the stalled client closed, %d messages sent", sent)
                .isEqualTo(1);

        // The stalled client gets what reached it before it was closed, in order, then the end of the stream.
        int last = 0;
        try {
            for (Optional<JsonObject> frame = stalled.readFrameOrEnd();
                    frame.isPresent();
                    frame = stalled.readFrameOrEnd()) {
                int n = frame.get().getJsonObject("body").getInteger("n");
                assertThat(n).isEqualTo(last + 1);
                last = n;
            }
        } catch (IOException e) {
            // Closed in the middle of a frame (the client's last frame cut short): the end of the stream all the same.
        }
        assertThat(last).isLessThan(sent);

        // The reader is still served.
        vertx.eventBus().publish(BusAddresses.EVENTS, new JsonObject().put("n", sent + 1));
        assertThat(reader.readFrame().getJsonObject("body").getInteger("n")).isEqualTo(sent + 1);
        reader.close();
        stalled.close();
    }
}
