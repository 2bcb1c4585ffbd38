package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;

/** A bridge on loopback with one {@code read} token, and raw clients registered on its events address. */
final class EventsReaders {
    static final String TOKEN = "reader-0123456789abcdef";

    private EventsReaders() {}

    /** A bridge on one event loop and a free port, with its TLS material made in {@code dir}. */
    static AgentBridge bridge(Vertx vertx, Path dir) throws Exception {
        BridgeConfig config = new BridgeConfig(true, "127.0.0.1", 0, null, null, Role.NONE, null, null, null, null, 30);
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        return new AgentBridge(vertx, config, tls, List.of(new TokenConfig("reader", TOKEN, Role.READ)))
                .listen()
                .await(30, TimeUnit.SECONDS);
    }

    /** A frame of {@code type} on the events address, with the token. */
    static JsonObject frame(String type) {
        return new JsonObject()
                .put("type", type)
                .put("address", BusAddresses.EVENTS)
                .put("headers", new JsonObject().put("token", TOKEN));
    }

    /** Connects {@code n} clients, each registered on the events address before the next connects. */
    static List<RawBridgeClient> registered(AgentBridge bridge, int n) throws Exception {
        List<RawBridgeClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawBridgeClient c = new RawBridgeClient(bridge.port(), bridge.fingerprint());
            c.sendFrame(frame("register"));
            assertThat(c.readFrame().getString("type")).isEqualTo("registered");
            clients.add(c);
        }
        return clients;
    }
}
