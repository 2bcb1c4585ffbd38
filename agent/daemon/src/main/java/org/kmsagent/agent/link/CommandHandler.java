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
     * {@link #handle(String, JsonObject)}, knowing who asked ({@code asker}), for the audit log.
     */
    default Future<JsonObject> handle(String address, JsonObject body, Asker asker) {
        return handle(address, body);
    }

    /**
     * Who asked a routed change: the hub's client ({@code client}, its token name) at the hub it asked ({@code hub},
     * that hub's name in the fleet view, which a change asked at one hub and relayed by another still names). Either
     * may be null: a hub of an earlier version sends neither name.
     */
    record Asker(String client, String hub) {}
}
