package org.kmsagent.agent.bus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the connections of one bridge server instance listen to: one local consumer per address, however many of the
 * instance's connections registered on it. A message published to an address that thousands of clients share (a
 * hub's command to every agent) is framed and encoded once per instance and the same bytes written to each
 * connection; one consumer per connection had the event bus copy it and the bridge encode it once per connection, a
 * seventh of a hub's work in a fan-out to 10,000 agents (docs/performance-log.md).
 *
 * <p>Used on its instance's event loop only, which is also the event loop of every connection it serves and of every
 * consumer it registers.
 */
final class BridgeSubscriptions {
    private final Vertx vertx;
    private final Map<String, Subscription> byAddress = new HashMap<>();

    BridgeSubscriptions(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Adds a connection to an address's listeners.
     *
     * @return completes once the address's consumer is registered (at once if it already was)
     */
    Future<Void> add(String address, BridgeConnection connection) {
        Subscription s = byAddress.computeIfAbsent(address, Subscription::new);
        s.members.add(connection);
        return s.consumer.completion();
    }

    /** Removes a connection from an address's listeners; the last one out unregisters the consumer. */
    void remove(String address, BridgeConnection connection) {
        Subscription s = byAddress.get(address);
        if (s != null && s.members.remove(connection) && s.members.isEmpty()) {
            byAddress.remove(address);
            s.consumer.unregister();
        }
    }

    private final class Subscription {
        /** In the order they registered: a message sent (not published) goes to one of them in turn. */
        final Set<BridgeConnection> members = new LinkedHashSet<>(2);

        final MessageConsumer<Object> consumer;
        private int nextForSend;

        Subscription(String address) {
            this.consumer = vertx.eventBus().localConsumer(address, this::deliver);
        }

        private void deliver(Message<Object> msg) {
            if (members.isEmpty()) {
                return;
            }
            Buffer frame = Frames.encode(new JsonObject()
                    .put("type", "message")
                    .put("address", msg.address())
                    .put("headers", new JsonObject())
                    .put("body", msg.body())
                    .put("send", msg.isSend()));
            // A point-to-point send reaches one client, as with one consumer each; a publish reaches all. A copy of
            // the members: a connection that cannot take the frame is closed, and leaves the set, while it is walked.
            List<BridgeConnection> to = new ArrayList<>(members);
            if (msg.isSend()) {
                to = List.of(to.get(Math.floorMod(nextForSend++, to.size())));
            }
            for (BridgeConnection c : to) {
                c.deliver(msg.address(), frame);
            }
        }
    }
}
