package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.ctl.BridgeClient;
import org.kmsagent.agent.ctl.ServerTrust;

/**
 * A large reply goes deflated to a client that asks for it ({@code accept-encoding: deflate}), so that a fan-out's
 * report of thousands of answers crosses TLS in a fraction of its bytes; a client that does not ask, and every small
 * reply, get the frames the stock bridge protocol defines.
 */
class DeflatedRepliesTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    @AfterEach
    void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    /** A report like a hub's fan-out to {@code n} agents: one answer of one product each. */
    private static JsonObject report(int n) {
        JsonArray answered = new JsonArray();
        for (int i = 0; i < n; i++) {
            answered.add(new JsonObject()
                    .put("requestId", "6f1c0a52-3c1e-4d0e-9a1b-" + String.format("%012d", i))
                    .put("agentId", "pc-" + i)
                    .put("ok", true)
                    .put(
                            "reply",
                            new JsonObject()
                                    .put(
                                            "products",
                                            new JsonArray()
                                                    .add(new JsonObject()
                                                            .put("family", "windows-client")
                                                            .put("status", "LICENSED")
                                                            .put("validUntil", "2027-05-30T00:00:00Z"))))
                    .put("hostName", "PC-" + i));
        }
        return new JsonObject().put("answered", answered).put("notAnswered", new JsonArray());
    }

    private static JsonObject frameOf(Buffer bytes) {
        assertThat(bytes.getInt(0)).isEqualTo(bytes.length() - 4);
        return new JsonObject(bytes.getString(4, bytes.length(), "UTF-8"));
    }

    @Test
    void aLargeReplyToAClientThatAcceptsDeflateIsDeflatedAndInflatesToTheSameBody() throws Exception {
        JsonObject body = report(2_000);
        int plain = Frames.reply("ctl.reply.0", body, false).length();
        Buffer deflated = Frames.reply("ctl.reply.0", body, true);

        JsonObject frame = frameOf(deflated);
        assertThat(frame.getJsonObject("headers").getString(Frames.CONTENT_ENCODING))
                .isEqualTo("deflate");
        assertThat(frame.getValue("body")).isInstanceOf(String.class);
        assertThat(deflated.length())
                .as("deflated against %d bytes plain", plain)
                .isLessThan(plain / 4);

        JsonObject inflated = Frames.inflated(frame, 64 * 1024 * 1024);
        assertThat(inflated.getJsonObject("body")).isEqualTo(body);
        assertThat(inflated.getJsonObject("headers").containsKey(Frames.CONTENT_ENCODING))
                .isFalse();
        assertThat(inflated.getString("address")).isEqualTo("ctl.reply.0");
        assertThat(inflated.getBoolean("send")).isTrue();
    }

    @Test
    void smallRepliesAndClientsThatDidNotAskGetPlainFrames() {
        JsonObject small = report(3);
        JsonObject large = report(2_000);
        for (JsonObject[] c : new JsonObject[][] {
            {small, frameOf(Frames.reply("r", small, true))},
            {small, frameOf(Frames.reply("r", small, false))},
            {large, frameOf(Frames.reply("r", large, false))}
        }) {
            assertThat(c[1].getJsonObject("headers")).isEqualTo(new JsonObject());
            assertThat(c[1].getJsonObject("body")).isEqualTo(c[0]);
            assertThat(c[1].getString("type")).isEqualTo("message");
        }
        // Replies that are not objects are framed as before.
        assertThat(frameOf(Frames.reply("r", null, true)).containsKey("body")).isTrue();
        assertThat(frameOf(Frames.reply("r", new JsonArray().add(1), true)).getJsonArray("body"))
                .containsExactly(1);
        assertThat(frameOf(Frames.reply("r", "text \"quoted\"", true)).getString("body"))
                .isEqualTo("text \"quoted\"");
    }

    @Test
    void aDeflatedBodyThatInflatesPastTheLimitOrIsNotDeflatedJsonIsRefusedSayingWhat() {
        JsonObject big = frameOf(Frames.reply("r", report(2_000), true));
        assertThatThrownBy(() -> Frames.inflated(big, 100_000))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("more than 100000 bytes");

        assertThatThrownBy(() -> Frames.inflated(deflatedFrame("not base64 !"), 1 << 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not Base64 DEFLATE data");
        assertThatThrownBy(() -> Frames.inflated(
                        deflatedFrame(Base64.getEncoder().encodeToString("plain bytes".getBytes())), 1 << 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not Base64 DEFLATE data");
        assertThatThrownBy(() -> Frames.inflated(deflatedFrame(deflate("{not json")), 1 << 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Frames.inflated(deflatedFrame(42), 1 << 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not text");
        // Cut short: the first half of a good body.
        String whole = deflate(report(50).encode());
        assertThatThrownBy(() ->
                        Frames.inflated(deflatedFrame(whole.substring(0, whole.length() / 2 / 4 * 4)), 1 << 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not Base64 DEFLATE data");
    }

    private static JsonObject deflatedFrame(Object body) {
        return new JsonObject()
                .put("type", "message")
                .put("address", "r")
                .put("headers", new JsonObject().put(Frames.CONTENT_ENCODING, "deflate"))
                .put("body", body);
    }

    private static String deflate(String text) {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        d.setInput(text.getBytes(StandardCharsets.UTF_8));
        d.finish();
        byte[] out = new byte[text.length() + 64];
        int n = d.deflate(out);
        d.end();
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(out, n));
    }

    @Test
    void overTheBridgeCtlGetsALargeReplyDeflatedAndAClientThatDidNotAskGetsItPlain() throws Exception {
        JsonObject body = report(2_000);
        AtomicReference<MultiMap> heard = new AtomicReference<>();
        vertx.eventBus().<JsonObject>consumer(BusAddresses.STATUS, msg -> {
            heard.set(msg.headers());
            msg.reply(body);
        });
        AgentBridge bridge = EventsReaders.bridge(vertx, dir);

        try (RawBridgeClient asking = new RawBridgeClient(bridge.port(), bridge.fingerprint());
                RawBridgeClient plain = new RawBridgeClient(bridge.port(), bridge.fingerprint())) {
            asking.sendFrame(request(new JsonObject().put(Frames.ACCEPT_ENCODING, "deflate")));
            JsonObject deflated = asking.readFrame();
            assertThat(deflated.getJsonObject("headers").getString(Frames.CONTENT_ENCODING))
                    .isEqualTo("deflate");
            assertThat(Frames.inflated(deflated, 64 << 20).getJsonObject("body"))
                    .isEqualTo(body);
            // The bridge's own header is not passed on to the bus.
            assertThat(heard.get().contains(Frames.ACCEPT_ENCODING)).isFalse();

            plain.sendFrame(request(new JsonObject()));
            JsonObject stock = plain.readFrame();
            assertThat(stock.getJsonObject("headers")).isEqualTo(new JsonObject());
            assertThat(stock.getJsonObject("body")).isEqualTo(body);
        }

        try (BridgeClient ctl = BridgeClient.connect(
                "127.0.0.1",
                bridge.port(),
                new ServerTrust.Pinned(bridge.fingerprint()),
                EventsReaders.TOKEN,
                Duration.ofSeconds(10))) {
            assertThat(ctl.request(BusAddresses.STATUS, new JsonObject())).isEqualTo(body);
        }
    }

    private static JsonObject request(JsonObject headers) {
        return new JsonObject()
                .put("type", "send")
                .put("address", BusAddresses.STATUS)
                .put("replyAddress", "raw.reply.1")
                .put("headers", headers.put("token", EventsReaders.TOKEN))
                .put("body", new JsonObject());
    }
}
