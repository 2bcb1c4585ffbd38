package org.kmsagent.agent.link;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.kmsagent.agent.bus.bridge.FrameDecoder;
import org.kmsagent.agent.bus.bridge.Frames;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.fleet.AgentDescription;

/**
 * A hub stood in for by loopback servers on the hub's own TLS material, and an agent's {@link FleetLink} to one: the
 * set-up the link's tests of hubs that are slow, or no bridge at all, share.
 */
final class LoopbackHub {
    private LoopbackHub() {}

    /** The hub's TLS material, made (or read) in {@code dir}/hub. */
    static TlsMaterial tls(Path dir) {
        return TlsMaterial.load(new TlsConfig(null, null, null), dir.resolve("hub"));
    }

    /** {@code options} for a TLS server on 127.0.0.1, a free port, serving the hub's certificate. */
    static <O extends NetServerOptions> O onHubCertificate(O options, TlsMaterial tls) {
        options.setHost("127.0.0.1").setPort(0).setSsl(true).setKeyCertOptions(tls.keyCertOptions());
        return options;
    }

    /**
     * Agent pc-1's link on {@code vertx} to the one hub 127.0.0.1:{@code port}, pinned to {@code tls}'s fingerprint,
     * its outbox in {@code dir}/outbox; it reports an empty snapshot and answers every command with an empty object.
     */
    static FleetLink link(Vertx vertx, Path dir, TlsMaterial tls, int port, long heartbeatMs, long requestTimeoutMs) {
        FleetLink.Settings settings = new FleetLink.Settings(
                List.of("127.0.0.1:" + port),
                "agent-token",
                FleetLink.clientOptions(List.of(tls.fingerprint()), null),
                heartbeatMs,
                50,
                requestTimeoutMs);
        AgentDescription me =
                new AgentDescription("pc-1", "PC-1", "client", List.of("windows-client"), Map.of(), List.of(), 3600);
        return new FleetLink(
                vertx,
                settings,
                me,
                new Outbox(dir.resolve("outbox"), "pc-1"),
                (address, body) -> Future.succeededFuture(new JsonObject()),
                () -> Future.succeededFuture(new JsonObject()),
                Clock.systemUTC());
    }

    /** Hands each bridge frame the agent sends on {@code socket} to {@code received}; a malformed one closes it. */
    static void onFrames(NetSocket socket, Consumer<JsonObject> received) {
        FrameDecoder decoder = new FrameDecoder(1 << 20);
        socket.handler(data -> {
            try {
                for (JsonObject frame : decoder.feed(data)) {
                    received.accept(frame);
                }
            } catch (FrameDecoder.FrameException e) {
                socket.close();
            }
        });
    }

    /** Answers the agent's request {@code frame} on its reply address with {@code body}. */
    static void reply(NetSocket socket, JsonObject request, JsonObject body) {
        socket.write(Frames.encode(new JsonObject()
                .put("type", "message")
                .put("address", request.getString("replyAddress"))
                .put("body", body)));
    }

    /**
     * Answers a frame of the bridge's own, as a bridge does however slow its consumers: a ping with a pong, a
     * registration with its confirmation; false for any other frame.
     */
    static boolean answeredAsABridge(NetSocket socket, JsonObject frame) {
        if ("ping".equals(frame.getString("type"))) {
            socket.write(Frames.encode(new JsonObject().put("type", "pong")));
            return true;
        }
        if ("register".equals(frame.getString("type"))) {
            socket.write(Frames.encode(
                    new JsonObject().put("type", "registered").put("address", frame.getString("address"))));
            return true;
        }
        return false;
    }
}
