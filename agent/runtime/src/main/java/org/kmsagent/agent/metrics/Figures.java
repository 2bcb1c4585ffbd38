package org.kmsagent.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of one agent or hub and the figures both kinds share. Gauges are {@link MultiGauge}s whose rows are
 * replaced as a whole at each refresh, so a pool or family that disappears disappears from the scrape too.
 * Thread-safe (Micrometer's meters are).
 */
public final class Figures {
    /** Windows of {@code *_products_expiring}: already lapsed products count in each. */
    public static final List<Integer> EXPIRY_WINDOWS_DAYS = List.of(7, 14, 30);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, MultiGauge> gauges = new HashMap<>();
    private final String prefix;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * A registry with {@code kmsagent_build_info} and the JVM and process meters Prometheus users expect
     * ({@code jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*}, {@code process_cpu_usage},
     * {@code process_uptime_seconds}, {@code system_cpu_count}, …).
     *
     * @param prefix {@code kmsagent} for an agent's own figures, {@code kmsagent.fleet} for a hub's fleet figures
     */
    public Figures(String prefix) {
        this.prefix = prefix;
        String version = Figures.class.getPackage().getImplementationVersion();
        Gauge.builder("kmsagent.build.info", () -> 1)
                .description("Always 1; the labels say which build runs (version) on which Java, as which role")
                .tags(
                        "version",
                        version != null ? version : "dev",
                        "java_version",
                        System.getProperty("java.version", "?"),
                        "role",
                        prefix.equals("kmsagent") ? "agent" : "hub")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The registry (Vert.x's own meters go here too). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Sets the builder's options, with Vert.x's own meters recorded in {@code figures} when it is not null
     * (docs/building.md: Vert.x 5 takes the registry through {@code withMetrics}, not the options).
     */
    public static VertxBuilder instrument(VertxBuilder builder, VertxOptions options, Figures figures) {
        if (figures == null) {
            return builder.with(options);
        }
        return builder.with(options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(figures.registry));
    }

    /** The text a scrape returns. */
    public String scrape() {
        return registry.scrape();
    }

    /** Counts one activation or renewal outcome: one series per family and outcome (result, code, cause). */
    public void count(EventOutcome outcome) {
        List<String> series = List.of(
                String.valueOf(outcome.renewal()), outcome.family(), outcome.result(), outcome.code(), outcome.cause());
        EventOutcome o = outcome;
        if (!countedSeries.contains(series)) {
            if (countedSeries.size() >= MAX_OUTCOME_SERIES) {
                o = outcome.other(); // a bound on what agents' events can add to a hub's heap and to Prometheus
            } else {
                countedSeries.add(series);
            }
        }
        Counter.builder(prefix + (o.renewal() ? ".renewals" : ".activations"))
                .description(
                        o.renewal()
                                ? "Renewals, by family and outcome (result ok/failed, HRESULT code, cause)"
                                : "Activations (KMS or MAK), by family and outcome (result ok/failed, HRESULT code, cause)")
                .tags("family", o.family(), "result", o.result(), "code", o.code(), "cause", o.cause())
                .register(registry)
                .increment();
    }

    /** Stops the JVM meters that listen to the JVM (garbage collection notifications). */
    public void close() {
        gc.close();
    }

    /** Replaces every row of one gauge (its full name, e.g. {@code kmsagent.pool.count}). */
    public synchronized void set(String name, String description, Map<Tags, ? extends Number> rows) {
        MultiGauge g = gauges.computeIfAbsent(
                name, n -> MultiGauge.builder(n).description(description).register(registry));
        g.register(
                rows.entrySet().stream()
                        .map(e -> MultiGauge.Row.of(e.getKey(), e.getValue()))
                        .toList(),
                true);
    }

    /** Takes every row of a gauge away (a figure that cannot be had now), if it was ever set. */
    public synchronized void clear(String name) {
        MultiGauge g = gauges.get(name);
        if (g != null) {
            g.register(List.of(), true);
        }
    }

    /**
     * The most series the activation and renewal counters hold together; an outcome beyond them is counted under
     * {@code other}. A fleet meets a few dozen (families × results × the codes and causes that occur).
     */
    public static final int MAX_OUTCOME_SERIES = 1_000;

    private final Set<List<String>> countedSeries = ConcurrentHashMap.newKeySet();

    /** Replaces a gauge with one untagged value. */
    public void set(String name, String description, Number value) {
        set(name, description, Map.of(Tags.empty(), value));
    }
}
