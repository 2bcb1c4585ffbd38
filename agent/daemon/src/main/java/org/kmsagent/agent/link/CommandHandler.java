package org.kmsagent.agent.link;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Runs a control-API request that a hub routed to this agent. {@link LocalBusCommands} sends it to the agent's own
 * event bus ({@code BusApi}); tests and the benchmark use lighter ones. A failed future carrying a
 * {@link io.vertx.core.eventbus.ReplyException} keeps its failure code in the answer.
 */
@FunctionalInterface
public interface CommandHandler {

    /** Handles one request; called on an event loop, must not block. */
    Future<JsonObject> handle(String address, JsonObject body);

    /**
     * {@link #handle(String, JsonObject)}, knowing who asked the hub ({@code requestedBy}: the hub's client's token
     * name, or null), for the audit log.
     */
    default Future<JsonObject> handle(String address, JsonObject body, String requestedBy) {
        return handle(address, body);
    }
}
