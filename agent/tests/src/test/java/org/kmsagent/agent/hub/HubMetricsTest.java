package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.MetricsConfig;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.metrics.Figures;
import org.kmsagent.agent.metrics.MetricsEndpoint;
import org.kmsagent.agent.metrics.PrometheusText;

/**
 * A hub's Prometheus endpoint over the real fleet service and TLS bridge, with agents reporting through real links:
 * the scraped figures are the ones {@code ctl fleet} shows.
 */
class HubMetricsTest extends HubOnClock {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private static final String WINDOWS = KmsHostSnapshot.WINDOWS;

    private MetricsEndpoint endpoint;

    HubMetricsTest() {
        super(NOW);
    }

    @BeforeEach
    void startMetrics() throws Exception {
        Figures figures = new Figures("kmsagent.fleet");
        FleetMetrics metrics = new FleetMetrics(hub.vertx, figures, "hub-local", hub.bridge::connectionCount);
        metrics.start().await(10, TimeUnit.SECONDS);
        endpoint = MetricsEndpoint.start(hub.vertx, new MetricsConfig(true, "127.0.0.1", 0), figures, metrics::refresh)
                .await(10, TimeUnit.SECONDS);
    }

    private FleetLink agent(String id, JsonObject snapshot) {
        return agents.connect(id, "client", "windows-client", List.of(), snapshot);
    }

    private static JsonObject machine(String id, String status, String validUntil) {
        return new JsonObject()
                .put(
                        "products",
                        new JsonArray()
                                .add(SimulatedAgent.product(id)
                                        .put("status", status)
                                        .put("validUntil", validUntil)));
    }

    private static JsonObject kmsHost(int count) {
        return KmsHostSnapshot.of(
                machine("kms1", "LICENSED", "2026-08-01T00:00:00Z"),
                new JsonObject()
                        .put("family", "windows-client,windows-server")
                        .put("id", "windows")
                        .put("families", new JsonArray().add("windows-client").add("windows-server")),
                count);
    }

    private CliRun ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--json"));
        all.addAll(List.of(args));
        return agents.ctl(LocalHub.READ_TOKEN, all.toArray(String[]::new));
    }

    @Test
    void theScrapedFiguresAreTheFleetViews() throws Exception {
        agent("kms1", kmsHost(13));
        agent("pc-1", machine("pc-1", "LICENSED", "2026-03-06T12:00:00Z")); // 5 days left
        agent("pc-2", machine("pc-2", "LICENSED", "2026-03-11T12:00:00Z")); // 10 days left
        agent("pc-3", machine("pc-3", "ADDITIONAL_GRACE", "2026-02-20T00:00:00Z")); // lapsed
        agent("pc-4", machine("pc-4", "LICENSED", "2026-03-25T00:00:00Z")); // 24 days left

        PrometheusText scrape = PrometheusText.scrape(endpoint.port());
        assertThat(scrape.promtoolProblemsOfOwnSeries()).isEmpty();

        JsonObject view = new JsonObject(ctl("fleet").out());
        assertThat(scrape.get("kmsagent_fleet_agents", "connected", "true"))
                .isEqualTo((double) view.getJsonArray("agents").size())
                .isEqualTo(5.0);
        assertThat(scrape.get("kmsagent_fleet_products", "family", "windows-client", "status", "LICENSED"))
                .isEqualTo(4.0);
        assertThat(scrape.get("kmsagent_fleet_products", "family", "windows-client", "status", "ADDITIONAL_GRACE"))
                .isEqualTo(1.0);

        JsonObject pools = new JsonObject(ctl("fleet", "pools").out());
        JsonObject pool = pools.getJsonArray("hosts")
                .getJsonObject(0)
                .getJsonArray("pools")
                .getJsonObject(0);
        // The pool by its readable id, one series; its families as rows of pool_info, one family each.
        assertThat(scrape.get("kmsagent_fleet_pool_clients", "host", "kms1", "pool", "windows"))
                .isEqualTo(pool.getInteger("count").doubleValue())
                .isEqualTo(13.0);
        assertThat(scrape.get(
                        "kmsagent_fleet_pool_threshold",
                        "host",
                        "kms1",
                        "pool",
                        "windows",
                        "threshold_class",
                        "windows-client"))
                .isEqualTo(25.0);
        assertThat(scrape.named("kmsagent_fleet_pool_info"))
                .containsOnlyKeys(
                        "kmsagent_fleet_pool_info{application_id=\"" + WINDOWS
                                + "\",family=\"windows-client\",host=\"kms1\"," + "pool=\"windows\"}",
                        "kmsagent_fleet_pool_info{application_id=\"" + WINDOWS
                                + "\",family=\"windows-server\",host=\"kms1\"," + "pool=\"windows\"}");

        JsonObject expiring14 =
                new JsonObject(ctl("fleet", "expiring", "--days", "14").out());
        JsonObject expiring30 =
                new JsonObject(ctl("fleet", "expiring", "--days", "30").out());
        assertThat(scrape.get("kmsagent_fleet_products_expiring", "within_days", "14"))
                .isEqualTo((double) expiring14.getJsonArray("expiring").size())
                .isEqualTo(3.0);
        assertThat(scrape.get("kmsagent_fleet_products_expiring", "within_days", "30"))
                .isEqualTo((double) expiring30.getJsonArray("expiring").size())
                .isEqualTo(4.0);
        assertThat(scrape.get("kmsagent_fleet_products_expiring", "within_days", "7"))
                .isEqualTo(2.0);
        // Five agents and the ctl client that just asked (gone again or not): at least the five.
        assertThat(scrape.get("kmsagent_bridge_connections")).isGreaterThanOrEqualTo(5.0);
    }

    /**
     * Prometheus keeps one help text per metric name: a server scraping agents and hubs sees the same HELP line for
     * every name both serve (the bridge's connections, the build, the JVM's and Vert.x's meters).
     */
    @Test
    void anAgentAndAHubDescribeEveryMetricTheyShareInTheSameWords() throws Exception {
        agent("pc-1", machine("pc-1", "LICENSED", "2026-08-01T00:00:00Z"));
        PrometheusText hubScrape = PrometheusText.scrape(endpoint.port());
        PrometheusText agentScrape;
        try (AgentFixture single = AgentFixture.start(dir.resolve("agent"), "metrics.enabled=true", "metrics.port=0")) {
            agentScrape = PrometheusText.scrape(single.daemon.metricsPort());
        }

        Set<String> shared = new TreeSet<>(agentScrape.help.keySet());
        shared.retainAll(hubScrape.help.keySet());
        assertThat(shared).contains("kmsagent_bridge_connections", "kmsagent_build_info");
        assertThat(shared)
                .allSatisfy(
                        name -> assertThat(hubScrape.help.get(name)).as(name).isEqualTo(agentScrape.help.get(name)));
    }

    @Test
    void activationsAndRenewalsTheHubAppliesAreCountedByResult() throws Exception {
        FleetLink pc = agent("pc-1", machine("pc-1", "LICENSED", "2026-08-01T00:00:00Z"));
        pc.publish(
                "renewal",
                new JsonObject()
                        .put("kind", "RENEWED")
                        .put("family", "windows-client")
                        .put("hresult", "0x00000000"));
        pc.publish(
                "renewal",
                new JsonObject()
                        .put("kind", "RENEWAL_FAILED")
                        .put("family", "windows-client")
                        .put("hresult", "0xC004F074"));
        // One attempt as LiveAgent reports it: the loop's event, then ctl's result of the same attempt.
        pc.publish(
                "renewal",
                new JsonObject()
                        .put("kind", "ACTIVATION_FAILED")
                        .put("family", "office2013")
                        .put("hresult", "0xC004F038 SL_E_VL_NOT_ENOUGH_COUNT")
                        .put("diagnosis", new JsonObject().put("cause", "COUNT_BELOW_THRESHOLD")));
        pc.publish(
                "activation",
                new JsonObject().put("family", "office2013").put("ok", false).put("hresult", "0xC004F038"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pc.pending() == 0);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText scrape = PrometheusText.scrape(endpoint.port());
            assertThat(scrape.get(
                            "kmsagent_fleet_renewals_total",
                            "family",
                            "windows-client",
                            "result",
                            "ok",
                            "code",
                            "0x00000000",
                            "cause",
                            "none"))
                    .isEqualTo(1.0);
            assertThat(scrape.get(
                            "kmsagent_fleet_renewals_total",
                            "family",
                            "windows-client",
                            "result",
                            "failed",
                            "code",
                            "0xC004F074",
                            "cause",
                            "unknown"))
                    .isEqualTo(1.0);
            assertThat(scrape.named("kmsagent_fleet_activations_total"))
                    .containsOnlyKeys(
                            "kmsagent_fleet_activations_total"
                                    + "{cause=\"count_below_threshold\",code=\"0xC004F038\",family=\"office2013\",result=\"failed\"}");
            assertThat(scrape.sum("kmsagent_fleet_activations_total")).isEqualTo(1.0);
        });
    }
}
