package org.kmsagent.agent.hub;

import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.metrics.AgentMetrics;
import org.kmsagent.agent.metrics.EventOutcome;
import org.kmsagent.agent.metrics.Figures;

/**
 * A hub's figures ({@code kms-agent hub}): the fleet view's agents, pools with their thresholds and forecasts,
 * products by state and expiries ahead, read from the fleet service at each scrape (so they are the figures
 * {@code ctl fleet} shows); activations and renewals counted from the events this hub applied (each event is
 * applied by exactly one hub, so summing the hubs' counters counts each once); bridge connections.
 */
public final class FleetMetrics {
    private static final DeliveryOptions LOCAL =
            new DeliveryOptions().setSendTimeout(10_000).setLocalOnly(true);
    private static final String PREFIX = "kmsagent.fleet";

    private final Vertx vertx;
    private final Figures figures;
    private final String hubName;
    private final IntSupplier bridgeConnections;
    private MessageConsumer<Object> live;

    public FleetMetrics(Vertx vertx, Figures figures, String hubName, IntSupplier bridgeConnections) {
        this.vertx = vertx;
        this.figures = figures;
        this.hubName = hubName;
        this.bridgeConnections = bridgeConnections;
    }

    /**
     * Starts counting the events this hub applies. A local consumer: the hub publishes what it applies on its own
     * member too, and a clustered one would have every other hub send this one each event it applies, encoded, over
     * the cluster, to be dropped here (each hub counts only its own).
     */
    public Future<Void> start() {
        live = vertx.eventBus().localConsumer(FleetAddresses.LIVE, m -> {
            if (m.body() instanceof JsonObject e && hubName.equals(e.getString("hub"))) {
                EventOutcome.of(e).ifPresent(figures::count);
            }
        });
        return live.completion();
    }

    /** Brings the gauges up to date from the fleet view. */
    public Future<Void> refresh() {
        AgentMetrics.setBridgeConnections(figures, bridgeConnections.getAsInt());
        // A view that cannot be had (the cluster busy past the request's timeout) clears its gauges, as an agent's
        // do: left as they were, the alerts would go on evaluating figures of an earlier minute as if current.
        Future<?> view = request(FleetAddresses.VIEW, new JsonObject())
                .onSuccess(this::view)
                .onFailure(e -> clear(PREFIX + ".agents", PREFIX + ".products"));
        Future<?> pools = request(FleetAddresses.POOLS, new JsonObject())
                .onSuccess(this::pools)
                .onFailure(e -> clear(
                        PREFIX + ".pool.clients",
                        PREFIX + ".pool.threshold",
                        PREFIX + ".pool.info",
                        PREFIX + ".pool.crossing.days"));
        int widest = Figures.EXPIRY_WINDOWS_DAYS.get(Figures.EXPIRY_WINDOWS_DAYS.size() - 1);
        Future<?> expiring = request(FleetAddresses.EXPIRING, new JsonObject().put("days", widest))
                .onSuccess(this::expiring)
                .onFailure(e -> clear(PREFIX + ".products.expiring"));
        return Future.join(view, pools, expiring).mapEmpty();
    }

    private void clear(String... gauges) {
        for (String g : gauges) {
            figures.clear(g);
        }
    }

    private Future<JsonObject> request(String address, JsonObject body) {
        return vertx.eventBus().<JsonObject>request(address, body, LOCAL).map(m -> m.body());
    }

    private void view(JsonObject reply) {
        Map<Tags, Integer> agents = new LinkedHashMap<>();
        agents.put(Tags.of("connected", "true"), 0);
        agents.put(Tags.of("connected", "false"), 0);
        JsonArray products = new JsonArray();
        for (Object o : reply.getJsonArray("agents", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            agents.merge(Tags.of("connected", String.valueOf(a.getBoolean("connected", false))), 1, Integer::sum);
            a.getJsonArray("products", new JsonArray()).forEach(products::add);
        }
        figures.set(PREFIX + ".agents", "Agents in the fleet view, by whether they are connected", agents);
        // Expiries come from the fleet's own forecast (below), which also knows validity from renewal events.
        AgentMetrics.setProductsByState(figures, PREFIX, products);
    }

    private void pools(JsonObject reply) {
        Map<Tags, Integer> counts = new LinkedHashMap<>();
        Map<Tags, Integer> thresholds = new LinkedHashMap<>();
        Map<Tags, Integer> info = new LinkedHashMap<>();
        Map<Tags, Long> crossing = new LinkedHashMap<>();
        Instant now = Instant.parse(reply.getString("at"));
        for (Object o : reply.getJsonArray("hosts", new JsonArray())) {
            JsonObject host = (JsonObject) o;
            JsonArray pools = host.getJsonArray("pools", new JsonArray());
            AgentMetrics.addPools(counts, thresholds, info, Map.of("host", host.getString("agentId")), pools);
            for (Object p : pools) {
                JsonObject pool = (JsonObject) p;
                for (Object t : pool.getJsonArray("thresholds", new JsonArray())) {
                    JsonObject f = (JsonObject) t;
                    if (f.getValue("crossesAt") instanceof String at) {
                        crossing.put(
                                Tags.of(
                                        "host",
                                        host.getString("agentId"),
                                        "pool",
                                        AgentMetrics.poolId(pool),
                                        "threshold_class",
                                        f.getString("thresholdClass"),
                                        // Which way: an alert wants a pool about to fall, not one about to reach.
                                        "direction",
                                        f.getBoolean("met", false) ? "drops_below" : "reaches"),
                                Math.floorDiv(
                                        Duration.between(now, Instant.parse(at)).getSeconds(), 86_400L));
                    }
                }
            }
        }
        AgentMetrics.setPools(figures, PREFIX, counts, thresholds, info);
        figures.set(
                PREFIX + ".pool.crossing.days",
                "Days until the forecast says the pool reaches (direction reaches) or drops below (drops_below) the "
                        + "threshold; absent when it never does within the horizon",
                crossing);
    }

    private void expiring(JsonObject reply) {
        Map<Integer, Integer> byWindow = new LinkedHashMap<>();
        Figures.EXPIRY_WINDOWS_DAYS.forEach(w -> byWindow.put(w, 0));
        for (Object o : reply.getJsonArray("expiring", new JsonArray())) {
            long left = ((JsonObject) o).getLong("daysLeft");
            byWindow.replaceAll((w, n) -> left < w ? n + 1 : n);
        }
        AgentMetrics.setExpiring(figures, PREFIX, byWindow);
    }

    /** Stops counting. */
    public Future<Void> close() {
        return live == null ? Future.succeededFuture() : live.unregister();
    }
}
