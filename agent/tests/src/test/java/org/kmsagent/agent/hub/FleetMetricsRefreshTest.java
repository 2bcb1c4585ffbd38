package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.metrics.Figures;

/** The gauges a hub's metrics take from its fleet view at each refresh, with the view's replies stood in for. */
class FleetMetricsRefreshTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void gaugesOfAViewThatCannotBeHadAreTakenAwayAndComeBackWithIt() throws Exception {
        AtomicBoolean up = new AtomicBoolean(true);
        JsonObject agent = new JsonObject()
                .put("connected", false)
                .put(
                        "products",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("family", "windows-client")
                                        .put("status", "LICENSED")));
        answer(FleetAddresses.VIEW, up, new JsonObject().put("agents", new JsonArray().add(agent)));
        answer(
                FleetAddresses.POOLS,
                up,
                new JsonObject().put("at", "2026-03-01T00:00:00Z").put("hosts", new JsonArray()));
        answer(FleetAddresses.EXPIRING, up, new JsonObject().put("expiring", new JsonArray()));
        Figures figures = new Figures("kmsagent");
        FleetMetrics metrics = new FleetMetrics(vertx, figures, "hub-a", () -> 0);

        metrics.refresh().await(10, TimeUnit.SECONDS);
        assertThat(figures.scrape())
                .contains("kmsagent_fleet_agents{connected=\"false\"} 1.0")
                .contains("kmsagent_fleet_products_expiring{within_days=\"14\"} 0.0");

        up.set(false);
        // The refresh fails (a scrape then shows what is left); the next one is the periodic timer's.
        metrics.refresh().otherwiseEmpty().await(10, TimeUnit.SECONDS);
        // Before, the last figures stayed: one agent disconnected for good, as far as an alert could tell.
        assertThat(figures.scrape())
                .doesNotContain("kmsagent_fleet_agents{")
                .doesNotContain("kmsagent_fleet_products{")
                .doesNotContain("kmsagent_fleet_products_expiring{");

        up.set(true);
        metrics.refresh().await(10, TimeUnit.SECONDS);
        assertThat(figures.scrape()).contains("kmsagent_fleet_agents{connected=\"false\"} 1.0");
    }

    @Test
    void aPoolsCrossingSaysWhichWaySoThatAnAlertCanWantOnlyAFall() throws Exception {
        // A forecast as ctl fleet pools gives it: the server threshold (met) falls on Mar 4, the client one (not met)
        // is reached on Mar 11.
        JsonObject pool = new JsonObject()
                .put("applicationId", "55c92734-d682-4d71-983e-d6ec3f16059f")
                .put("id", "windows")
                .put("families", new JsonArray().add("windows-client").add("windows-server"))
                .put("count", 20)
                .put(
                        "thresholds",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("thresholdClass", "windows-client")
                                        .put("required", 25)
                                        .put("met", false)
                                        .put("crossesAt", "2026-03-11T00:00:00Z"))
                                .add(new JsonObject()
                                        .put("thresholdClass", "windows-server")
                                        .put("required", 5)
                                        .put("met", true)
                                        .put("crossesAt", "2026-03-04T00:00:00Z")));
        AtomicBoolean up = new AtomicBoolean(true);
        answer(FleetAddresses.VIEW, up, new JsonObject().put("agents", new JsonArray()));
        answer(
                FleetAddresses.POOLS,
                up,
                new JsonObject()
                        .put("at", "2026-03-01T00:00:00Z")
                        .put(
                                "hosts",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("agentId", "kms1")
                                                .put("pools", new JsonArray().add(pool)))));
        answer(FleetAddresses.EXPIRING, up, new JsonObject().put("expiring", new JsonArray()));
        Figures figures = new Figures("kmsagent");

        new FleetMetrics(vertx, figures, "hub-a", () -> 0).refresh().await(10, TimeUnit.SECONDS);

        // One gauge said "crosses in 3 days" and "in 10 days" alike, and the shipped alert fired on the good news too.
        assertThat(figures.scrape())
                .contains("kmsagent_fleet_pool_crossing_days{direction=\"drops_below\",host=\"kms1\",pool=\"windows\","
                        + "threshold_class=\"windows-server\"} 3.0")
                .contains("kmsagent_fleet_pool_crossing_days{direction=\"reaches\",host=\"kms1\",pool=\"windows\","
                        + "threshold_class=\"windows-client\"} 10.0");
    }

    private void answer(String address, AtomicBoolean up, JsonObject reply) {
        vertx.eventBus().<JsonObject>localConsumer(address, m -> {
            if (up.get()) {
                m.reply(reply);
            } else {
                m.fail(503, "the cluster did not answer in time");
            }
        });
    }
}
