package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.dashboard.DashboardServer;
import org.kmsagent.agent.metrics.Figures;
import org.kmsagent.agent.testsupport.DashboardEventStream;

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
            DashboardServer dashboard = DashboardEventStream.startDashboard(vertx, tls, READ);
            assertThat(clusteredSubscriptions(vertx))
                    .as("clustered subscriptions to the live events with metrics and a dashboard nobody watches")
                    .isZero();

            HttpClient http = DashboardEventStream.client(vertx, tls);
            DashboardEventStream stream =
                    DashboardEventStream.open(http, dashboard.port(), "Authorization", "Bearer " + READ);
            assertThat(clusteredSubscriptions(vertx))
                    .as("clustered subscriptions while a browser follows the stream")
                    .isEqualTo(1);

            DashboardEventStream.publishRenewal(vertx, "pc-7", "hub-b");
            stream.awaitEventOf("pc-7", Duration.ofSeconds(30));

            stream.request().connection().close().await(30, TimeUnit.SECONDS);
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
