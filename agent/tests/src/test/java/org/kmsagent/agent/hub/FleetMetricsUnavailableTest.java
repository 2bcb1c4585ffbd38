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

/**
 * A hub whose fleet view cannot be had at a refresh (its cluster busy past the request's timeout) shows no fleet
 * gauges until it can again, as an agent does, rather than the last ones as if current: the alerts evaluate them.
 */
class FleetMetricsUnavailableTest {
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
