package org.kmsagent.agent.hub.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * The dashboard's figures, asked of this hub's fleet service (the same answers {@code ctl fleet} gets) and reduced
 * here: counts by state and pools with their forecasts for the summary, one sorted, filtered page for the table.
 */
final class FleetQueries {
    private static final DeliveryOptions LOCAL =
            new DeliveryOptions().setSendTimeout(15_000).setLocalOnly(true);
    /** The windows the summary counts expiries in. */
    static final int[] WINDOWS = {7, 14, 30};

    private final Vertx vertx;

    FleetQueries(Vertx vertx) {
        this.vertx = vertx;
    }

    private Future<JsonObject> ask(String address, JsonObject body) {
        return vertx.eventBus().<JsonObject>request(address, body, LOCAL).map(m -> m.body());
    }

    /**
     * {@code {at, agents: {total, connected}, states: [{family, status, count}], pools: [{host, hostName,
     * applicationId, family, count, thresholds: [PoolForecast]}], expiring: {"7": n, "14": n, "30": n}}}.
     */
    Future<JsonObject> summary() {
        Future<JsonObject> view = ask(FleetAddresses.VIEW, new JsonObject());
        Future<JsonObject> pools = ask(FleetAddresses.POOLS, new JsonObject());
        Future<JsonObject> expiring = ask(FleetAddresses.EXPIRING, new JsonObject().put("days", WINDOWS[2]));
        return Future.all(view, pools, expiring).map(v -> {
            int total = 0;
            int connected = 0;
            Map<String, Integer> states = new TreeMap<>();
            for (Object o : view.result().getJsonArray("agents", new JsonArray())) {
                JsonObject a = (JsonObject) o;
                total++;
                connected += a.getBoolean("connected", false) ? 1 : 0;
                for (Object p : a.getJsonArray("products", new JsonArray())) {
                    JsonObject product = (JsonObject) p;
                    states.merge(
                            product.getString("family", "unknown") + "\u0000" + product.getString("status", "UNKNOWN"),
                            1,
                            Integer::sum);
                }
            }
            JsonArray stateRows = new JsonArray();
            states.forEach((k, n) -> {
                String[] parts = k.split("\u0000", 2);
                stateRows.add(new JsonObject()
                        .put("family", parts[0])
                        .put("status", parts[1])
                        .put("count", n));
            });
            JsonArray poolRows = new JsonArray();
            for (Object o : pools.result().getJsonArray("hosts", new JsonArray())) {
                JsonObject h = (JsonObject) o;
                for (Object p : h.getJsonArray("pools", new JsonArray())) {
                    poolRows.add(((JsonObject) p)
                            .copy()
                            .put("host", h.getString("agentId"))
                            .put("hostName", h.getString("hostName")));
                }
            }
            JsonObject windows = new JsonObject();
            JsonArray soon = expiring.result().getJsonArray("expiring", new JsonArray());
            for (int w : WINDOWS) {
                windows.put(
                        String.valueOf(w),
                        soon.stream()
                                .filter(r -> ((JsonObject) r).getLong("daysLeft") < w)
                                .count());
            }
            return new JsonObject()
                    .put("at", view.result().getString("at"))
                    .put("agents", new JsonObject().put("total", total).put("connected", connected))
                    .put("states", stateRows)
                    .put("pools", poolRows)
                    .put("expiring", windows)
                    .put("horizonDays", pools.result().getInteger("horizonDays"));
        });
    }

    /** One page of the expiring-machines table. */
    Future<JsonObject> expiring(ExpiringPage.Request req) {
        return ask(FleetAddresses.EXPIRING, new JsonObject().put("days", req.days()))
                .map(reply -> ExpiringPage.of(reply.getJsonArray("expiring", new JsonArray()), req));
    }
}
