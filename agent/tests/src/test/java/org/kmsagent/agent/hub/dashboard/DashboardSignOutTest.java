package org.kmsagent.agent.hub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.DashboardConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.fleet.FleetAddresses;

/** Signing out of the dashboard ends what the session had open: its live event stream too. */
class DashboardSignOutTest {
    private static final String READ = "read-token-0123456789a";

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void signingOutEndsTheSessionsEventStream(@TempDir Path dir) throws Exception {
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        DashboardServer dashboard = DashboardServer.start(
                        vertx,
                        new DashboardConfig(true, "127.0.0.1", 0),
                        tls,
                        List.of(new TokenConfig("monitoring", READ, Role.READ)),
                        Clock.systemUTC(),
                        AuditTrail.NONE)
                .await(30, TimeUnit.SECONDS);
        HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(false)
                .setTrustOptions(
                        new PemTrustOptions().addCertPath(tls.certFile().toString())));
        String origin = "https://127.0.0.1:" + dashboard.port();

        HttpClientResponse login = post(http, dashboard.port(), "/login", origin, null, "token=" + READ);
        assertThat(login.statusCode()).isEqualTo(303);
        String cookie = login.cookies().get(0).split(";", 2)[0];

        HttpClientResponse stream = http.request(new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setHost("127.0.0.1")
                        .setPort(dashboard.port())
                        .setURI("/api/events")
                        .putHeader("Cookie", cookie))
                .compose(r -> r.send())
                .await(30, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        CompletableFuture<Void> opened = new CompletableFuture<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        stream.handler(chunk -> opened.complete(null));
        stream.endHandler(v -> ended.complete(null));
        opened.get(30, TimeUnit.SECONDS);

        // A second viewer, with a token of its own, follows the fleet too.
        HttpClientResponse other = http.request(new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setHost("127.0.0.1")
                        .setPort(dashboard.port())
                        .setURI("/api/events")
                        .putHeader("Authorization", "Bearer " + READ))
                .compose(r -> r.send())
                .await(30, TimeUnit.SECONDS);
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Void> otherOpened = new CompletableFuture<>();
        other.handler(chunk -> {
            synchronized (seen) {
                seen.append(chunk.toString());
            }
            otherOpened.complete(null);
        });
        otherOpened.get(30, TimeUnit.SECONDS);

        HttpClientResponse logout = post(http, dashboard.port(), "/logout", origin, cookie, "");
        assertThat(logout.statusCode()).isEqualTo(303);

        // Before, the stream went on (host names, agents' events) until the browser left the page.
        ended.get(10, TimeUnit.SECONDS);
        assertThat(ended).isDone();
        // And the ended stream is no longer among those the fleet's events go to: the other viewer still gets them.
        vertx.eventBus()
                .publish(
                        FleetAddresses.LIVE,
                        new JsonObject()
                                .put("agentId", "pc-7")
                                .put("hub", "hub-b")
                                .put("type", "renewal"));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (seen) {
                return seen.toString().contains("\"agentId\":\"pc-7\"");
            }
        });
    }

    private static HttpClientResponse post(
            HttpClient http, int port, String path, String origin, String cookie, String form) throws Exception {
        RequestOptions o = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(path)
                .putHeader("Origin", origin)
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
        if (cookie != null) {
            o.putHeader("Cookie", cookie);
        }
        return http.request(o).compose(r -> r.send(Buffer.buffer(form))).await(30, TimeUnit.SECONDS);
    }
}
