package org.kmsagent.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.kmsagent.agent.bus.BusAddresses;

/**
 * An agent's figures ({@code kms-agent run}): activations and renewals counted from its event topic as they happen;
 * pools, products, expiries ahead and plugin failures read from its own control API at each scrape (a component the
 * build has not bound answers 503, and its gauges are then absent rather than zero); bridge connections from the
 * bridge. docs/operations.md lists every name.
 */
public final class AgentMetrics {
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setSendTimeout(5_000);
    /** {@code kmsagent_families_loaded}: 0 is an agent that runs and keeps nothing activated (no plugin loaded). */
    private static final String FAMILIES_LOADED = "kmsagent.families.loaded";

    private static final String FAMILIES_LOADED_HELP =
            "Product families loaded from the plugins folder; 0: no product is kept activated";

    private final Vertx vertx;
    private final Figures figures;
    private final Clock clock;
    private final IntSupplier bridgeConnections;
    private MessageConsumer<Object> events;

    /** @param bridgeConnections clients connected to the bridge now (0 when it is off) */
    public AgentMetrics(Vertx vertx, Figures figures, Clock clock, IntSupplier bridgeConnections) {
        this.vertx = vertx;
        this.figures = figures;
        this.clock = clock;
        this.bridgeConnections = bridgeConnections;
    }

    /** Starts counting events; completes once the consumer is registered. */
    public Future<Void> start() {
        events = vertx.eventBus().localConsumer(BusAddresses.EVENTS, m -> {
            if (m.body() instanceof JsonObject e) {
                EventOutcome.of(e).ifPresent(figures::count);
            }
        });
        return events.completion();
    }

    /** Brings the gauges up to date from the control API; never fails (a missing component's gauges are cleared). */
    public Future<Void> refresh() {
        setBridgeConnections(figures, bridgeConnections.getAsInt());
        Future<?> products = request(BusAddresses.STATUS)
                .map(reply -> {
                    setProducts(figures, "kmsagent", reply.getJsonArray("products", new JsonArray()), clock.instant());
                    setCallTimeouts(reply.getJsonObject("licensingCalls"));
                    return null;
                })
                .otherwise(e -> {
                    setProducts(figures, "kmsagent", new JsonArray(), clock.instant());
                    return null;
                });
        Future<?> host = request(BusAddresses.HOST_STATUS)
                .map(reply -> {
                    setPools(
                            figures,
                            "kmsagent",
                            Map.of(),
                            reply.getBoolean("enabled", false)
                                    ? reply.getJsonArray("pools", new JsonArray())
                                    : new JsonArray());
                    return null;
                })
                .otherwise(e -> {
                    setPools(figures, "kmsagent", Map.of(), new JsonArray());
                    return null;
                });
        Future<?> plugins = request(BusAddresses.PLUGINS_LIST)
                .map(reply -> {
                    JsonArray list = reply.getJsonArray("plugins", new JsonArray());
                    long failed = list.stream()
                            .filter(p -> p instanceof JsonObject o && "FAILED".equals(o.getString("state")))
                            .count();
                    figures.set("kmsagent.plugin.load.failures", "Plugins that failed to load or start", failed);
                    long families = list.stream()
                            .filter(p -> p instanceof JsonObject o && "STARTED".equals(o.getString("state")))
                            .mapToLong(p -> ((JsonObject) p)
                                    .getJsonArray("families", new JsonArray())
                                    .size())
                            .sum();
                    figures.set(FAMILIES_LOADED, FAMILIES_LOADED_HELP, families);
                    return null;
                })
                .otherwise(e -> {
                    figures.set("kmsagent.plugin.load.failures", "Plugins that failed to load or start", Map.of());
                    figures.set(FAMILIES_LOADED, FAMILIES_LOADED_HELP, Map.of());
                    return null;
                });
        return Future.join(products, host, plugins).mapEmpty();
    }

    /**
     * {@code kmsagent_licensing_call_timeouts_total{call}}: licensing calls abandoned at their deadline since start,
     * a counter per call name (registered when a call of that name first times out), and
     * {@code kmsagent_licensing_calls_hung}: abandoned calls not returned yet.
     */
    private void setCallTimeouts(JsonObject calls) {
        if (calls == null) {
            return;
        }
        JsonObject byCall = calls.getJsonObject("byCall", new JsonObject());
        for (String call : byCall.fieldNames()) {
            callTimeouts
                    .computeIfAbsent(call, c -> {
                        AtomicLong count = new AtomicLong();
                        FunctionCounter.builder("kmsagent.licensing.call.timeouts", count, AtomicLong::doubleValue)
                                .description(
                                        "Licensing calls abandoned at their deadline since start (renewal.callDeadlineSeconds), "
                                                + "by call")
                                .tags("call", c)
                                .register(figures.registry());
                        return count;
                    })
                    .set(byCall.getLong(call, 0L));
        }
        figures.set(
                "kmsagent.licensing.calls.hung",
                "Licensing calls abandoned at their deadline that have not " + "returned yet",
                calls.getInteger("stillHung", 0));
    }

    private final Map<String, AtomicLong> callTimeouts = new ConcurrentHashMap<>();

    private Future<JsonObject> request(String address) {
        return vertx.eventBus()
                .<Object>request(address, new JsonObject(), LOCAL)
                .map(m -> m.body() instanceof JsonObject o ? o : new JsonObject());
    }

    /** Stops counting. */
    public Future<Void> close() {
        return events == null ? Future.succeededFuture() : events.unregister();
    }

    /**
     * Sets {@code kmsagent.bridge.connections}, the one name an agent's bridge and a hub's share: one help text, so
     * that a scrape of either describes it alike.
     */
    public static void setBridgeConnections(Figures figures, int clients) {
        figures.set(
                "kmsagent.bridge.connections", "Clients connected to the bridge (ctl; on a hub, agents too)", clients);
    }

    /**
     * Sets {@code <prefix>.products} (by family and licence status) and {@code <prefix>.products.expiring} (by
     * window) from {@code Product} objects (docs/event-bus.md).
     */
    static void setProducts(Figures figures, String prefix, JsonArray products, Instant now) {
        Map<Integer, Integer> expiring = new LinkedHashMap<>();
        Figures.EXPIRY_WINDOWS_DAYS.forEach(w -> expiring.put(w, 0));
        for (Object o : products) {
            Instant until = o instanceof JsonObject p ? instant(p.getValue("validUntil")) : null;
            if (until != null) {
                long left = Math.floorDiv(Duration.between(now, until).getSeconds(), 86_400L);
                expiring.replaceAll((w, n) -> left < w ? n + 1 : n);
            }
        }
        setProductsByState(figures, prefix, products);
        setExpiring(figures, prefix, expiring);
    }

    /**
     * Sets {@code <prefix>.products}: {@code Product} objects (docs/event-bus.md) counted by family and licence
     * status, an agent's own or a hub's whole fleet's.
     */
    public static void setProductsByState(Figures figures, String prefix, JsonArray products) {
        Map<Tags, Integer> byState = new LinkedHashMap<>();
        for (Object o : products) {
            if (o instanceof JsonObject p) {
                byState.merge(
                        Tags.of("family", text(p.getValue("family")), "status", text(p.getValue("status"))),
                        1,
                        Integer::sum);
            }
        }
        figures.set(prefix + ".products", "Products, by family and licence status", byState);
    }

    public static void setExpiring(Figures figures, String prefix, Map<Integer, Integer> byWindow) {
        Map<Tags, Integer> rows = new LinkedHashMap<>();
        byWindow.forEach((w, n) -> rows.put(Tags.of("within_days", String.valueOf(w)), n));
        figures.set(
                prefix + ".products.expiring",
                "Products whose activation runs out within the window " + "(already lapsed ones included)",
                rows);
    }

    /**
     * Sets {@code <prefix>.pool.count}, {@code <prefix>.pool.threshold} and {@code <prefix>.pool.info} from
     * {@code Pool} objects; {@code base} tags (e.g. the host agent on a hub) are added to every row.
     */
    static void setPools(Figures figures, String prefix, Map<String, String> base, JsonArray pools) {
        Map<Tags, Integer> counts = new LinkedHashMap<>();
        Map<Tags, Integer> thresholds = new LinkedHashMap<>();
        Map<Tags, Integer> info = new LinkedHashMap<>();
        addPools(counts, thresholds, info, base, pools);
        setPools(figures, prefix, counts, thresholds, info);
    }

    /** Sets the three pool gauges from rows {@link #addPools} collected. */
    public static void setPools(
            Figures figures,
            String prefix,
            Map<Tags, Integer> counts,
            Map<Tags, Integer> thresholds,
            Map<Tags, Integer> info) {
        figures.set(
                prefix + ".pool.clients", "Clients a KMS host pool counts now (docs/kms-rules.md section 1.2)", counts);
        figures.set(
                prefix + ".pool.threshold",
                "The count a threshold class needs (docs/kms-rules.md section 1.5)",
                thresholds);
        figures.set(prefix + ".pool.info", "Always 1: which families count in each pool, and its application id", info);
    }

    /**
     * Adds one row per pool: {@code pool} is the pool's readable id (e.g. {@code windows}, the application id only
     * when the pool is known from the ledger alone). A pool serves several families (Windows clients and servers
     * count in one), so the families are not a label of the count (one count, one series) but rows of
     * {@code pool_info}, one per family: {@code pool_clients * on (pool) group_right pool_info} joins them.
     */
    public static void addPools(
            Map<Tags, Integer> counts,
            Map<Tags, Integer> thresholds,
            Map<Tags, Integer> info,
            Map<String, String> base,
            JsonArray pools) {
        Tags baseTags = Tags.of(base.entrySet().stream()
                .map(e -> Tag.of(e.getKey(), e.getValue()))
                .toList());
        for (Object o : pools) {
            if (!(o instanceof JsonObject pool)) {
                continue;
            }
            Tags tags = baseTags.and("pool", poolId(pool));
            counts.put(tags, pool.getInteger("count", 0));
            for (Object t : pool.getJsonArray("thresholds", new JsonArray())) {
                if (t instanceof JsonObject th) {
                    thresholds.put(
                            tags.and("threshold_class", text(th.getValue("thresholdClass"))),
                            th.getInteger("required", 0));
                }
            }
            for (String family : families(pool)) {
                info.put(tags.and("family", family, "application_id", text(pool.getValue("applicationId"))), 1);
            }
        }
    }

    /** The pool's readable id: {@code id} when the view has one, else its application id. */
    public static String poolId(JsonObject pool) {
        return pool.getValue("id") instanceof String id ? id : text(pool.getValue("applicationId"));
    }

    /** The pool's families one by one ({@code families}, else the comma-separated {@code family}). */
    public static List<String> families(JsonObject pool) {
        List<String> out = new ArrayList<>();
        if (pool.getValue("families") instanceof JsonArray list && !list.isEmpty()) {
            list.forEach(f -> out.add(text(f)));
        } else if (pool.getValue("family") instanceof String joined && !joined.isEmpty()) {
            out.addAll(List.of(joined.split(",")));
        }
        return out;
    }

    private static String text(Object value) {
        return value == null ? "unknown" : value.toString();
    }

    private static Instant instant(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
