package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.DashboardConfig;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.dashboard.DashboardServer;
import org.kmsagent.agent.metrics.Figures;

/**
 * Every hub publishes the events it applies on a clustered address, and a clustered subscription to it makes every
 * other hub send this one each of its events. A hub's metrics count only its own (a local subscription), and its
 * dashboard subscribes only while a browser follows the event stream: a hub of a cluster with metrics and dashboard
 * enabled but nobody watching receives none of the other hubs' events.
 */
class LiveEventsSubscriptionTest {
    private static final String READ = "read-token-0123456789a";

    @Test
    void onlyAnOpenDashboardStreamSubscribesThisHubToTheOtherHubsEvents(@TempDir Path dir) throws Exception {
        FleetConfig.ClusterConfig cluster =
                new FleetConfig.ClusterConfig("live-events-test-" + UUID.randomUUID(), null, null, null, null, 0);
        Vertx vertx = FleetCluster.start(cluster).await(60, TimeUnit.SECONDS);
        try {
            new FleetMetrics(vertx, new Figures("kmsagent.fleet"), "hub-a", () -> 0)
                    .start()
                    .await(30, TimeUnit.SECONDS);
            TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
            DashboardServer dashboard = DashboardServer.start(
                            vertx,
                            new DashboardConfig(true, "127.0.0.1", 0),
                            tls,
                            List.of(new TokenConfig("monitoring", READ, Role.READ)),
                            Clock.systemUTC(),
                            AuditTrail.NONE)
                    .await(30, TimeUnit.SECONDS);
            assertThat(clusteredSubscriptions(vertx))
                    .as("clustered subscriptions to the live events with metrics and a dashboard nobody watches")
                    .isZero();

            HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                    .setSsl(true)
                    .setVerifyHost(false)
                    .setTrustOptions(
                            new PemTrustOptions().addCertPath(tls.certFile().toString())));
            StringBuilder received = new StringBuilder();
            CompletableFuture<Void> opened = new CompletableFuture<>();
            HttpClientRequest request = http.request(new RequestOptions()
                            .setMethod(HttpMethod.GET)
                            .setHost("127.0.0.1")
                            .setPort(dashboard.port())
                            .setURI("/api/events")
                            .putHeader("Authorization", "Bearer " + READ))
                    .await(30, TimeUnit.SECONDS);
            HttpClientResponse stream = request.send().await(30, TimeUnit.SECONDS);
            assertThat(stream.statusCode()).isEqualTo(200);
            stream.handler(chunk -> {
                synchronized (received) {
                    received.append(chunk.toString());
                }
                opened.complete(null);
            });
            opened.get(30, TimeUnit.SECONDS);
            assertThat(clusteredSubscriptions(vertx))
                    .as("clustered subscriptions while a browser follows the stream")
                    .isEqualTo(1);

            vertx.eventBus()
                    .publish(
                            FleetAddresses.LIVE,
                            new JsonObject()
                                    .put("agentId", "pc-7")
                                    .put("hub", "hub-b")
                                    .put("type", "renewal"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                synchronized (received) {
                    return received.toString().contains("\"agentId\":\"pc-7\"");
                }
            });

            request.connection().close().await(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> clusteredSubscriptions(vertx) == 0);
        } finally {
            vertx.close().await(60, TimeUnit.SECONDS);
        }
    }

    /** Subscriptions to the live events other hubs send to: those written to the cluster, not local ones. */
    private static long clusteredSubscriptions(Vertx vertx) throws TimeoutException {
        Promise<List<RegistrationInfo>> found = Promise.promise();
        ((VertxInternal) vertx).clusterManager().getRegistrations(FleetAddresses.LIVE, found);
        return found.future().await(30, TimeUnit.SECONDS).stream()
                .filter(r -> !r.localOnly())
                .count();
    }
}
