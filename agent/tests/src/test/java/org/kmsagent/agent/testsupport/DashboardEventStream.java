package org.kmsagent.agent.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.DashboardConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.dashboard.DashboardServer;

/**
 * A dashboard's live event stream ({@code /api/events}) opened over HTTPS on 127.0.0.1 as a browser follows it, and
 * what it has carried so far: how a test sees which events reach a viewer, and when the stream ends.
 */
public final class DashboardEventStream {
    private final HttpClientRequest request;
    private final StringBuilder received = new StringBuilder();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private DashboardEventStream(HttpClientRequest request) {
        this.request = request;
    }

    /**
     * A dashboard to follow: on 127.0.0.1 on a port of its own, with {@code tls}, one token ({@code readToken}, of
     * the read role), the system clock and no audit trail.
     */
    public static DashboardServer startDashboard(Vertx vertx, TlsMaterial tls, String readToken) throws Exception {
        return DashboardServer.start(
                        vertx,
                        new DashboardConfig(true, "127.0.0.1", 0),
                        tls,
                        List.of(new TokenConfig("monitoring", readToken, Role.READ)),
                        Clock.systemUTC(),
                        AuditTrail.NONE)
                .await(30, TimeUnit.SECONDS);
    }

    /** An HTTPS client that trusts the dashboard's certificate ({@code tls}), whatever host name it is reached by. */
    public static HttpClient client(Vertx vertx, TlsMaterial tls) {
        return vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(false)
                .setTrustOptions(
                        new PemTrustOptions().addCertPath(tls.certFile().toString())));
    }

    /**
     * Opens the stream of the dashboard on {@code port} with one request header (a session's {@code Cookie}, or an
     * {@code Authorization} bearer token), checks that it is answered 200, and waits (at most 30 s) for its first
     * bytes: from then on the hub's events reach it.
     */
    public static DashboardEventStream open(HttpClient http, int port, String header, String value) throws Exception {
        HttpClientRequest request = http.request(new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setURI("/api/events")
                        .putHeader(header, value))
                .await(30, TimeUnit.SECONDS);
        HttpClientResponse response = request.send().await(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        DashboardEventStream stream = new DashboardEventStream(request);
        CompletableFuture<Void> opened = new CompletableFuture<>();
        response.handler(chunk -> {
            synchronized (stream.received) {
                stream.received.append(chunk.toString());
            }
            opened.complete(null);
        });
        response.endHandler(v -> stream.ended.complete(null));
        opened.get(30, TimeUnit.SECONDS);
        return stream;
    }

    /** Publishes, on the address dashboards follow, a renewal of {@code agentId} as hub {@code hub} applied it. */
    public static void publishRenewal(Vertx vertx, String agentId, String hub) {
        vertx.eventBus()
                .publish(
                        FleetAddresses.LIVE,
                        new JsonObject().put("agentId", agentId).put("hub", hub).put("type", "renewal"));
    }

    /** Waits, at most {@code timeout}, until the stream has carried an event of {@code agentId}. */
    public void awaitEventOf(String agentId, Duration timeout) {
        String field = "\"agentId\":\"" + agentId + "\"";
        await().atMost(timeout).until(() -> {
            synchronized (received) {
                return received.toString().contains(field);
            }
        });
    }

    /** Completes when the hub ends the stream. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** The request that opened it: its connection is the browser's, to close as a browser leaving the page does. */
    public HttpClientRequest request() {
        return request;
    }
}
