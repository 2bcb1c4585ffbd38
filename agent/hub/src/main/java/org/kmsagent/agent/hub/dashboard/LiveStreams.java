package org.kmsagent.agent.hub.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * The dashboard's open event streams ({@code /api/events}) and the one subscription to the events every hub applies
 * ({@link FleetAddresses#LIVE}) that feeds them. The subscription is clustered, so each hub sends this one every event
 * it applies: it is held only while a browser has a stream open, not for as long as the dashboard is enabled (with
 * nobody watching, a hub of a cluster received, decoded and dropped the whole fleet's events).
 */
final class LiveStreams {
    private final Vertx vertx;
    private final Set<HttpServerResponse> streams = new LinkedHashSet<>();
    private MessageConsumer<Object> subscription;

    LiveStreams(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Adds a browser's stream; completes once the subscription is in place, so that what a hub applies afterwards
     * reaches the stream (the dashboard shows the stream open only then).
     */
    synchronized Future<Void> open(HttpServerResponse stream) {
        streams.add(stream);
        if (subscription == null) {
            subscription = vertx.eventBus().consumer(FleetAddresses.LIVE, this::deliver);
        }
        return subscription.completion();
    }

    /** Removes a stream the browser closed; the last one out ends the subscription. */
    synchronized void closed(HttpServerResponse stream) {
        streams.remove(stream);
        if (streams.isEmpty() && subscription != null) {
            subscription.unregister();
            subscription = null;
        }
    }

    /** Whether the hub is subscribed to the fleet's events now (a stream is open). */
    synchronized boolean subscribed() {
        return subscription != null;
    }

    /** Ends the subscription, whatever streams are open (the dashboard stops). */
    synchronized Future<Void> close() {
        streams.clear();
        MessageConsumer<Object> s = subscription;
        subscription = null;
        return s == null ? Future.succeededFuture() : s.unregister();
    }

    private void deliver(Message<Object> m) {
        if (!(m.body() instanceof JsonObject e)) {
            return;
        }
        String frame = "event: fleet\ndata: " + e.encode() + "\n\n";
        List<HttpServerResponse> open;
        synchronized (this) {
            open = List.copyOf(streams);
        }
        for (HttpServerResponse r : open) {
            // A browser that stops reading misses events rather than growing this hub's memory.
            if (!r.writeQueueFull()) {
                r.write(frame);
            }
        }
    }
}
