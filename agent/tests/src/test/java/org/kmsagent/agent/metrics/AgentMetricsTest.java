package org.kmsagent.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;

/** A running agent's Prometheus endpoint, scraped over HTTP on 127.0.0.1 as Prometheus would. */
class AgentMetricsTest {
    private static final String WINDOWS_POOL = "55c92734-d682-4d71-983e-d6ec3f16059f";

    @TempDir
    Path dir;

    private AgentFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theScrapeShowsTheAgentsPoolsProductsAndPluginsAsItsControlApiReportsThem() throws Exception {
        fixture = AgentFixture.start(dir.resolve("agent"), "metrics.enabled=true", "metrics.port=0");

        PrometheusText scrape = PrometheusText.scrape(fixture.daemon.metricsPort());

        assertThat(scrape.contentType).startsWith("text/plain; version=0.0.4");
        assertThat(scrape.promtoolProblemsOfOwnSeries()).isEmpty();
        // InMemoryAgent's host: one Windows pool counting 26, thresholds 25 (client) and 5 (server).
        // The double's pool has no readable id: its application id stands in.
        assertThat(scrape.get("kmsagent_pool_clients", "pool", WINDOWS_POOL)).isEqualTo(26.0);
        assertThat(scrape.get("kmsagent_pool_threshold", "pool", WINDOWS_POOL, "threshold_class", "client"))
                .isEqualTo(25.0);
        assertThat(scrape.get("kmsagent_pool_threshold", "pool", WINDOWS_POOL, "threshold_class", "server"))
                .isEqualTo(5.0);
        assertThat(scrape.get(
                        "kmsagent_pool_info",
                        "pool",
                        WINDOWS_POOL,
                        "family",
                        "windows-client",
                        "application_id",
                        WINDOWS_POOL))
                .isEqualTo(1.0);
        assertThat(scrape.named("kmsagent_build_info")).hasSize(1);
        assertThat(scrape.samples.keySet())
                .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(k -> k.startsWith("jvm_gc_"))
                .anyMatch(k -> k.startsWith("process_uptime_seconds"))
                .anyMatch(k -> k.startsWith("jvm_threads_live_threads"))
                .anyMatch(k -> k.startsWith("system_cpu_count"));
        fixture.agent
                .products()
                .forEach(p -> assertThat(scrape.get("kmsagent_products", "family", p.family(), "status", p.status()))
                        .as(p.family())
                        .isEqualTo(1.0));
        assertThat(scrape.get("kmsagent_plugin_load_failures")).isZero();
        assertThat(scrape.get("kmsagent_families_loaded"))
                .isEqualTo((double) fixture.agent.plugins().stream()
                        .mapToInt(p -> p.families().size())
                        .sum())
                .isPositive();
        assertThat(scrape.get("kmsagent_products_expiring", "within_days", "14"))
                .isZero();
        // Vert.x's own meters are recorded too.
        assertThat(scrape.samples.keySet()).anyMatch(k -> k.startsWith("vertx_"));
    }

    /** An agent whose plugins folder was empty ran with "0 loaded" and no figure that an alert could watch. */
    @Test
    void anAgentWithNoFamilyLoadedShowsZeroFamilies() throws Exception {
        fixture = AgentFixture.start(dir.resolve("agent"), "metrics.enabled=true", "metrics.port=0");
        fixture.agent.plugins().forEach(p -> fixture.agent.unloadPlugin(p.id()));

        PrometheusText scrape = PrometheusText.scrape(fixture.daemon.metricsPort());

        assertThat(scrape.get("kmsagent_families_loaded")).isZero();
        assertThat(scrape.promtoolProblemsOfOwnSeries()).isEmpty();
    }

    @Test
    void activationsAreCountedByResultAndActivatedProductsCountAsExpiringOnlyNearTheirEnd() throws Exception {
        fixture = AgentFixture.start(dir.resolve("agent"), "metrics.enabled=true", "metrics.port=0");
        assertThat(fixture.ctlAdmin("install-gvlk", "--family", "windows-client")
                        .exit())
                .isZero();

        // office2013 has no key installed: its activation fails; windows-client's succeeds.
        fixture.ctlAdmin("activate");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText scrape = PrometheusText.scrape(fixture.daemon.metricsPort());
            assertThat(scrape.get(
                            "kmsagent_activations_total",
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
                            "kmsagent_activations_total",
                            "family",
                            "office2013",
                            "result",
                            "failed",
                            "code",
                            "0xC004F014",
                            "cause",
                            "no_key_installed"))
                    .isEqualTo(1.0);
        });
        PrometheusText scrape = PrometheusText.scrape(fixture.daemon.metricsPort());
        // Two attempts, two increments: ctl's results of the same attempts do not count again.
        assertThat(scrape.sum("kmsagent_activations_total")).isEqualTo(2.0);
        // Valid 180 days from the fixture's clock: not within 30 days.
        assertThat(scrape.get("kmsagent_products_expiring", "within_days", "30"))
                .isZero();
        assertThat(scrape.get("kmsagent_products", "family", "windows-client", "status", "LICENSED"))
                .isEqualTo(1.0);
    }

    @Test
    void theEndpointIsOffUnlessEnabledAndAnswersOnlyMetrics() throws Exception {
        fixture = AgentFixture.start(dir.resolve("agent"));
        assertThat(fixture.daemon.metricsPort()).isEqualTo(-1);
        assertThat(fixture.daemon.banner()).noneMatch(l -> l.contains("metrics"));
        fixture.close();

        fixture = AgentFixture.start(dir.resolve("agent2"), "metrics.enabled=true", "metrics.port=0");
        assertThat(fixture.daemon.banner()).anyMatch(l -> l.contains("Prometheus metrics at http://127.0.0.1:"));
        var r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + fixture.daemon.metricsPort() + "/other"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("/metrics");
    }
}
