package org.kmsagent.agent.metrics;

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
import java.util.LinkedHashMap;
import java.util.Map;
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
    figures.set("kmsagent.bridge.connections", "Clients connected to the control bridge",
        bridgeConnections.getAsInt());
    Future<?> products = request(BusAddresses.STATUS).map(reply -> {
      setProducts(figures, "kmsagent", reply.getJsonArray("products", new JsonArray()), clock.instant());
      return null;
    }).otherwise(e -> {
      setProducts(figures, "kmsagent", new JsonArray(), clock.instant());
      return null;
    });
    Future<?> host = request(BusAddresses.HOST_STATUS).map(reply -> {
      setPools(figures, "kmsagent", Map.of(), reply.getBoolean("enabled", false)
          ? reply.getJsonArray("pools", new JsonArray()) : new JsonArray());
      return null;
    }).otherwise(e -> {
      setPools(figures, "kmsagent", Map.of(), new JsonArray());
      return null;
    });
    Future<?> plugins = request(BusAddresses.PLUGINS_LIST).map(reply -> {
      long failed = reply.getJsonArray("plugins", new JsonArray()).stream()
          .filter(p -> p instanceof JsonObject o && "FAILED".equals(o.getString("state"))).count();
      figures.set("kmsagent.plugin.load.failures", "Plugins that failed to load or start", failed);
      return null;
    }).otherwise(e -> {
      figures.set("kmsagent.plugin.load.failures", "Plugins that failed to load or start", Map.of());
      return null;
    });
    return Future.join(products, host, plugins).mapEmpty();
  }

  private Future<JsonObject> request(String address) {
    return vertx.eventBus().<Object>request(address, new JsonObject(), LOCAL)
        .map(m -> m.body() instanceof JsonObject o ? o : new JsonObject());
  }

  /** Stops counting. */
  public Future<Void> close() {
    return events == null ? Future.succeededFuture() : events.unregister();
  }

  /**
   * Sets {@code <prefix>.products} (by family and licence status) and {@code <prefix>.products.expiring} (by
   * window) from {@code Product} objects (docs/event-bus.md).
   */
  static void setProducts(Figures figures, String prefix, JsonArray products, Instant now) {
    Map<Tags, Integer> byState = new LinkedHashMap<>();
    Map<Integer, Integer> expiring = new LinkedHashMap<>();
    Figures.EXPIRY_WINDOWS_DAYS.forEach(w -> expiring.put(w, 0));
    for (Object o : products) {
      if (!(o instanceof JsonObject p)) {
        continue;
      }
      byState.merge(Tags.of("family", text(p.getValue("family")), "status", text(p.getValue("status"))), 1,
          Integer::sum);
      Instant until = instant(p.getValue("validUntil"));
      if (until != null) {
        long left = Math.floorDiv(Duration.between(now, until).getSeconds(), 86_400L);
        expiring.replaceAll((w, n) -> left < w ? n + 1 : n);
      }
    }
    figures.set(prefix + ".products", "Products, by family and licence status", byState);
    setExpiring(figures, prefix, expiring);
  }

  public static void setExpiring(Figures figures, String prefix, Map<Integer, Integer> byWindow) {
    Map<Tags, Integer> rows = new LinkedHashMap<>();
    byWindow.forEach((w, n) -> rows.put(Tags.of("within_days", String.valueOf(w)), n));
    figures.set(prefix + ".products.expiring", "Products whose activation runs out within the window "
        + "(already lapsed ones included)", rows);
  }

  /**
   * Sets {@code <prefix>.pool.count} and {@code <prefix>.pool.threshold} from {@code Pool} objects; {@code base}
   * tags (e.g. the host agent on a hub) are added to every row.
   */
  static void setPools(Figures figures, String prefix, Map<String, String> base, JsonArray pools) {
    Map<Tags, Integer> counts = new LinkedHashMap<>();
    Map<Tags, Integer> thresholds = new LinkedHashMap<>();
    addPools(counts, thresholds, base, pools);
    figures.set(prefix + ".pool.count", "Clients a KMS host pool counts now (docs/kms-rules.md §1.2)", counts);
    figures.set(prefix + ".pool.threshold", "The count a threshold class needs (docs/kms-rules.md §1.5)", thresholds);
  }

  public static void addPools(Map<Tags, Integer> counts, Map<Tags, Integer> thresholds, Map<String, String> base,
      JsonArray pools) {
    Tags baseTags = Tags.of(base.entrySet().stream()
        .map(e -> io.micrometer.core.instrument.Tag.of(e.getKey(), e.getValue())).toList());
    for (Object o : pools) {
      if (!(o instanceof JsonObject pool)) {
        continue;
      }
      Tags tags = baseTags.and("pool", text(pool.getValue("applicationId")), "family", text(pool.getValue("family")));
      counts.put(tags, pool.getInteger("count", 0));
      for (Object t : pool.getJsonArray("thresholds", new JsonArray())) {
        if (t instanceof JsonObject th) {
          thresholds.put(tags.and("threshold_class", text(th.getValue("thresholdClass"))),
              th.getInteger("required", 0));
        }
      }
    }
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
