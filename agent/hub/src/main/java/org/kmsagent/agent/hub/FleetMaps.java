package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet view's three cluster-wide maps, and the reads the hub's parts make of them: what {@link FleetHub} writes
 * as agents speak, {@link FleetViews} shows and {@link FleetRouter} routes by.
 *
 * @param agents {@code kmsagent.fleet.agents}: agent id to its {@link AgentRecords record}
 * @param presence {@code kmsagent.fleet.presence}: where each agent is connected and when it was last heard from
 *     ({@link AgentRecords#presence}), written at registration with the record and alone at each heartbeat. A fan-out
 *     reads these small entries, not the fleet's records (which were a quarter of a two-hub fan-out's work at the
 *     asking hub, read and decoded whole), and a heartbeat no longer reads and writes back the whole record. Kept as
 *     JSON text: Hazelcast holds a string as it is, where Vert.x wraps a JSON object in a holder that names its
 *     classes, a fifth of what an entry costs a hub (an entry and its backup per agent).
 * @param history {@code kmsagent.fleet.history.chunks}: each agent's newest {@link #HISTORY_KEPT} history events in
 *     {@link Pieces} of {@link #HISTORY_CHUNK}, key {@code agentId/n}. Appending touches the last piece only, so a batch
 *     costs the same whatever the agent's history holds (one growing array per agent, read and written back whole on
 *     every batch, made ingest slower with every event). The agent's record counts the events it has delivered
 *     ({@code historyCount}).
 */
record FleetMaps(
        AsyncMap<String, JsonObject> agents, AsyncMap<String, String> presence, AsyncMap<String, JsonArray> history) {
    /** History events per cluster-map entry (a few KB of JSON). */
    static final int HISTORY_CHUNK = 64;

    /**
     * History events a hub keeps per agent, the newest. Bounded because every hub holds the fleet's histories in its
     * heap (an entry and its backup): a machine that cannot reach its host's threshold logs a failed attempt every two
     * hours per product, some 4,400 a year, so a history kept whole would grow a hub's heap by about a gigabyte a year
     * for every thousand such machines. A thousand events are a healthy machine's renewals for years, and six weeks of
     * a failing machine's attempts at two products; the agent's own log keeps them all.
     */
    static final int HISTORY_KEPT = 1_000;

    /** The three maps of the cluster {@code vertx} belongs to (a hub's own when it runs alone). */
    static Future<FleetMaps> open(Vertx vertx) {
        Future<AsyncMap<String, JsonObject>> agents = vertx.sharedData().getAsyncMap("kmsagent.fleet.agents");
        Future<AsyncMap<String, String>> presence = vertx.sharedData().getAsyncMap("kmsagent.fleet.presence");
        Future<AsyncMap<String, JsonArray>> history = vertx.sharedData().getAsyncMap("kmsagent.fleet.history.chunks");
        return Future.all(agents, presence, history)
                .map(v -> new FleetMaps(agents.result(), presence.result(), history.result()));
    }

    /** Every agent's presence entry, by agent id. */
    Future<Map<String, JsonObject>> present() {
        return presence.entries().map(all -> {
            Map<String, JsonObject> decoded = new HashMap<>(all.size() * 2);
            all.forEach((id, text) -> decoded.put(id, new JsonObject(text)));
            return decoded;
        });
    }

    /** One agent's presence entry, or null. */
    Future<JsonObject> presenceOf(String id) {
        return presence.get(id).map(text -> text == null ? null : new JsonObject(text));
    }

    /** Writes an agent's presence entry (at registration, and alone at each heartbeat). */
    Future<Void> writePresence(String id, JsonObject entry) {
        return presence.put(id, entry.encode());
    }

    /** Every agent's record as the views show it, with where and when it was last heard from ({@link #presence}). */
    Future<Map<String, JsonObject>> records() {
        Future<Map<String, JsonObject>> heard = present();
        return agents.entries()
                .compose(all -> heard.map(p -> {
                    Map<String, JsonObject> shown = new HashMap<>(all.size() * 2);
                    all.forEach((id, r) -> shown.put(id, AgentRecords.withPresence(r, p.get(id))));
                    return shown;
                }));
    }

    /** Appends events to an agent's history after the {@code kept} its record counts ({@link Pieces}). */
    Future<Void> append(String id, long kept, List<JsonObject> events) {
        return historyPieces().append(id, kept, events);
    }

    /** An agent's newest history events (at most {@link #HISTORY_KEPT}), oldest first, of the {@code count} it had. */
    Future<JsonArray> historyOf(String id, long count) {
        return historyPieces().newest(id, count);
    }

    /** Removes an agent's record, presence entry and history (it had {@code historyCount} events). */
    Future<Void> forget(String id, long historyCount) {
        return Future.all(
                        agents.remove(id).mapEmpty(),
                        presence.remove(id).mapEmpty(),
                        historyPieces().removeAll(id, historyCount))
                .mapEmpty();
    }

    private Pieces historyPieces() {
        return new Pieces(history, HISTORY_CHUNK, HISTORY_KEPT);
    }
}
