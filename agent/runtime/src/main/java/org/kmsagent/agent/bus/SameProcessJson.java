package org.kmsagent.agent.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Hands a JSON object to a consumer in the same process as it is, where the event bus would deep-copy it. For a
 * sender that made the object for this one message and never touches it again: the bridge with a request's body it
 * decoded from a frame, a hub with the answer it built for one request. A deep copy of each body was about a twentieth
 * of a hub's ingest and of a fan-out at the asking hub (docs/performance-log.md, "Early afternoon of 2026-12-05").
 *
 * <p>Only for deliveries that stay in the process: a send with {@link DeliveryOptions#setLocalOnly local only}, or the
 * reply to a message a local consumer received. A hub of another build in the same cluster would not know this
 * codec, so nothing sent with it may cross the cluster: it has no wire form, and a send that would need one fails.
 */
public final class SameProcessJson implements MessageCodec<JsonObject, JsonObject> {
    /** The codec's name, for {@link DeliveryOptions#setCodecName}. */
    public static final String NAME = "kmsagent.same-process-json";

    private static final SameProcessJson CODEC = new SameProcessJson();

    private SameProcessJson() {}

    /** Registers the codec on an event bus, once however many of its users start there. */
    public static void registerOn(EventBus bus) {
        try {
            bus.registerCodec(CODEC);
        } catch (IllegalStateException alreadyThere) {
            // Another user on this Vert.x (the bridge, a hub) registered it first: the same codec.
        }
    }

    /** Options for a reply to a message a local consumer received: the object goes back as it is. */
    public static DeliveryOptions reply() {
        return new DeliveryOptions().setCodecName(NAME);
    }

    @Override
    public JsonObject transform(JsonObject body) {
        return body;
    }

    @Override
    public void encodeToWire(Buffer buffer, JsonObject body) {
        throw new IllegalStateException(
                NAME + " is for deliveries within one process; this one would cross the cluster");
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
        throw new IllegalStateException(NAME + " is for deliveries within one process; none comes from the cluster");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
