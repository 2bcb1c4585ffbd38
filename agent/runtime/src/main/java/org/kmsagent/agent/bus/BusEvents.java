package org.kmsagent.agent.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/** Publishes events on {@link BusAddresses#EVENTS}. */
public final class BusEvents implements EventPublisher {
    private final EventBus bus;
    private final Clock clock;

    public BusEvents(EventBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    @Override
    public void publish(String type, Object data) {
        bus.publish(
                BusAddresses.EVENTS,
                new JsonObject()
                        .put("type", type)
                        .put("at", clock.instant().toString())
                        .put("data", BusJson.value(data)));
    }
}
