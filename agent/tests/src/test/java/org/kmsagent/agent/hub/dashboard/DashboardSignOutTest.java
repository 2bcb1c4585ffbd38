package org.kmsagent.agent.hub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.testsupport.DashboardEventStream;

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
        DashboardServer dashboard = DashboardEventStream.startDashboard(vertx, tls, READ);
        HttpClient http = DashboardEventStream.client(vertx, tls);
        String origin = "https://127.0.0.1:" + dashboard.port();

        HttpClientResponse login = post(http, dashboard.port(), "/login", origin, null, "token=" + READ);
        assertThat(login.statusCode()).isEqualTo(303);
        String cookie = login.cookies().get(0).split(";", 2)[0];

        DashboardEventStream stream = DashboardEventStream.open(http, dashboard.port(), "Cookie", cookie);

        // A second viewer, with a token of its own, follows the fleet too.
        DashboardEventStream other =
                DashboardEventStream.open(http, dashboard.port(), "Authorization", "Bearer " + READ);

        HttpClientResponse logout = post(http, dashboard.port(), "/logout", origin, cookie, "");
        assertThat(logout.statusCode()).isEqualTo(303);

        // Before, the stream went on (host names, agents' events) until the browser left the page.
        stream.ended().get(10, TimeUnit.SECONDS);
        assertThat(stream.ended()).isDone();
        // And the ended stream is no longer among those the fleet's events go to: the other viewer still gets them.
        DashboardEventStream.publishRenewal(vertx, "pc-7", "hub-b");
        other.awaitEventOf("pc-7", Duration.ofSeconds(10));
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
