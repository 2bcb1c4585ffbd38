package org.kmsagent.agent.link;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Routed commands go to the agent's own control API on its event bus, as if {@code ctl} had sent them to its
 * bridge; the hub has already checked the caller's role.
 */
public final class LocalBusCommands implements CommandHandler {
    private final Vertx vertx;
    private final long timeoutMs;

    public LocalBusCommands(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Future<JsonObject> handle(String address, JsonObject body) {
        return vertx.eventBus()
                .<Object>request(
                        address,
                        body,
                        new DeliveryOptions().setSendTimeout(timeoutMs).addHeader("client", "fleet-hub"))
                .map(m -> m.body() instanceof JsonObject o ? o : new JsonObject());
    }
}
