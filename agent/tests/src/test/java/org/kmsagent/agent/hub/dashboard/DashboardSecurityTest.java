package org.kmsagent.agent.hub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.DashboardConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.testsupport.MovableClock;

/**
 * The dashboard's sign-in as an attacker meets it: guessing is locked out per address, one token cannot open
 * sessions without bound, another site cannot post to it, and every response carries the security headers. Time is
 * a clock the test moves.
 */
class DashboardSecurityTest {
    private static final String OPS = "ops-token-0123456789ab";
    private static final String READ = "read-token-0123456789a";

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T00:00:00Z"));
    private Vertx vertx;
    private DashboardServer server;
    private HttpClient http;
    private AuditLog audit;

    private record Reply(
            int status,
            String body,
            List<String> cookies,
            String location,
            String retryAfter,
            HttpClientResponse response) {}

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        server = DashboardServer.start(
                        vertx,
                        new DashboardConfig(true, "127.0.0.1", 0),
                        tls,
                        List.of(
                                new TokenConfig("ops", OPS, Role.ADMIN),
                                new TokenConfig("monitoring", READ, Role.READ)),
                        clock,
                        audit = AuditLog.in(dir, clock))
                .await(30, TimeUnit.SECONDS);
        // One connection per request: on Java 25 a request on a reused keep-alive connection was now and then left
        // unanswered (2 runs in 3; not yet understood, and not seen with Chromium in DashboardBrowserIT).
        http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(false)
                .setKeepAlive(false)
                .setTrustOptions(
                        new PemTrustOptions().addCertPath(tls.certFile().toString())));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        audit.close();
    }

    private String self() {
        return "https://127.0.0.1:" + server.port();
    }

    private Reply call(HttpMethod method, String path, String origin, String bearer, String cookie, String form)
            throws Exception {
        RequestOptions o = new RequestOptions()
                .setMethod(method)
                .setHost("127.0.0.1")
                .setPort(server.port())
                .setURI(path);
        if (origin != null) {
            o.putHeader("Origin", origin);
        }
        if (bearer != null) {
            o.putHeader("Authorization", "Bearer " + bearer);
        }
        if (cookie != null) {
            o.putHeader("Cookie", cookie);
        }
        if (form != null) {
            o.putHeader("Content-Type", "application/x-www-form-urlencoded");
        }
        return http.request(o)
                .compose(req -> (form == null ? req.send() : req.send(Buffer.buffer(form))))
                .compose(r -> r.body()
                        .map(b -> new Reply(
                                r.statusCode(),
                                b.toString(),
                                r.cookies(),
                                r.getHeader("Location"),
                                r.getHeader("Retry-After"),
                                r)))
                .await(30, TimeUnit.SECONDS);
    }

    private Reply login(String token) throws Exception {
        return call(HttpMethod.POST, "/login", self(), null, null, "token=" + token);
    }

    @Test
    void signInsSignOutsAndEveryRefusalAreAudited() throws Exception {
        Reply in = login(OPS);
        assertThat(in.status()).isEqualTo(303);
        call(HttpMethod.POST, "/logout", self(), null, in.cookies().get(0).split(";")[0], null);
        login("not-a-token");
        call(HttpMethod.POST, "/login", "https://evil.example", null, null, "token=" + OPS);
        call(HttpMethod.GET, "/api/summary", null, "wrong-bearer", null, null);

        // A POST is recorded once its answer has gone out, which may be just after the client has it.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(audit.read(null, 100).get(10, TimeUnit.SECONDS).records().stream()
                                        .map(r -> r.actor() + " | " + r.source() + " | " + r.action() + " | "
                                                + r.result() + (r.reason() == null ? "" : " | " + r.reason()))
                                        .toList())
                                .containsExactlyInAnyOrder(
                                        "dashboard:ops | 127.0.0.1 | dashboard POST /login | ok",
                                        "dashboard:ops | 127.0.0.1 | dashboard POST /logout | ok",
                                        "(unknown token) | 127.0.0.1 | dashboard POST /login | refused | wrong token",
                                        "(unknown token) | 127.0.0.1 | dashboard POST /login | refused | cross-origin request",
                                        "(unknown token) | 127.0.0.1 | dashboard GET /api/summary | refused | wrong Bearer token"));
        assertThat(Files.readString(dir.resolve("audit.log"))).doesNotContain(OPS, "not-a-token");
    }

    @Test
    void everyResponseCarriesTheSecurityHeadersAndTheCookieItsFlags() throws Exception {
        Reply page = call(HttpMethod.GET, "/login", null, null, null, null);
        assertThat(page.response().getHeader("Content-Security-Policy"))
                .contains("frame-ancestors 'none'", "default-src 'self'");
        assertThat(page.response().getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        assertThat(page.response().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.response().getHeader("X-Frame-Options")).isEqualTo("DENY");
        // Not no-referrer: under it browsers post the login form with "Origin: null", which is refused.
        assertThat(page.response().getHeader("Referrer-Policy")).isEqualTo("same-origin");

        Reply in = login(OPS);
        assertThat(in.status()).isEqualTo(303);
        assertThat(in.cookies())
                .singleElement()
                .asString()
                .containsIgnoringCase("secure")
                .containsIgnoringCase("httponly")
                .containsIgnoringCase("samesite=strict");
        Reply out = call(
                HttpMethod.POST, "/logout", self(), null, in.cookies().get(0).split(";")[0], null);
        assertThat(out.cookies())
                .singleElement()
                .asString()
                .contains("Max-Age=0")
                .containsIgnoringCase("secure")
                .containsIgnoringCase("httponly")
                .containsIgnoringCase("samesite=strict");
        assertThat(out.response().getHeader("Strict-Transport-Security")).isNotNull();
    }

    @Test
    void anotherSiteCannotSignInOrOut() throws Exception {
        assertThat(call(HttpMethod.POST, "/login", null, null, null, "token=" + OPS)
                        .status())
                .isEqualTo(403);
        assertThat(call(HttpMethod.POST, "/login", "https://evil.example", null, null, "token=" + OPS)
                        .status())
                .isEqualTo(403);
        assertThat(call(HttpMethod.POST, "/login", "null", null, null, "token=" + OPS)
                        .status())
                .isEqualTo(403);
        String session = login(OPS).cookies().get(0).split(";")[0];
        Reply forged = call(HttpMethod.POST, "/logout", "https://evil.example", null, session, null);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.body()).contains("cross-origin request refused");
        // The session survived the forged logout.
        assertThat(call(HttpMethod.GET, "/", null, null, session, null).status())
                .isEqualTo(200);
    }

    @Test
    void fiveWrongTokensLockTheAddressOutEvenForTheRightOneUntilTheLockoutEnds() throws Exception {
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThat(login("wrong-" + i).location()).isEqualTo("/login?failed=1");
        }
        Reply locked = login(OPS);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.retryAfter()).isEqualTo("900");
        assertThat(locked.body()).contains("too many wrong tokens", "15 minute");
        assertThat(call(HttpMethod.GET, "/", null, OPS, null, null).status()).isEqualTo(429);

        clock.advance(LoginThrottle.LOCKOUT.plusSeconds(1));
        assertThat(login(OPS).status()).isEqualTo(303);
    }

    @Test
    void wrongBearerTokensCountLikeWrongSignIns() throws Exception {
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThat(call(HttpMethod.GET, "/api/summary", null, "wrong-" + i, null, null)
                            .status())
                    .isEqualTo(401);
        }
        assertThat(call(HttpMethod.GET, "/", null, READ, null, null).status()).isEqualTo(429);
    }

    @Test
    void oneTokenCannotOpenSessionsWithoutBound() throws Exception {
        for (int i = 0; i < LoginThrottle.MAX_SIGN_INS; i++) {
            assertThat(login(READ).status()).isEqualTo(303);
        }
        Reply refused = login(READ);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body()).contains("too many sign-ins with this token");
        assertThat(login(OPS).status()).isEqualTo(303); // another token is not affected
        clock.advance(Duration.ofMinutes(16));
        assertThat(login(READ).status()).isEqualTo(303);
    }
}
