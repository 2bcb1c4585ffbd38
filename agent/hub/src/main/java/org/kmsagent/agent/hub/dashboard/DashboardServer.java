package org.kmsagent.agent.hub.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.DashboardConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub's dashboard over HTTPS (the bridge's certificate, the bridge's tokens): the page and its script and style
 * (resources of this package; nothing is fetched from elsewhere), a JSON API whose aggregates and table pages are
 * computed here ({@link FleetQueries}), so the browser never holds the whole fleet, and a Server-Sent Events stream
 * of the events hubs apply ({@link FleetAddresses#LIVE}).
 */
public final class DashboardServer {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    /** Nothing but this hub: no external script, style, image or frame. */
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private final HttpServer server;
    private final LiveStreams live;

    private DashboardServer(HttpServer server, LiveStreams live) {
        this.server = server;
        this.live = live;
    }

    /** Listens on {@code config.host():config.port()} with TLS. */
    public static Future<DashboardServer> start(
            Vertx vertx, DashboardConfig config, TlsMaterial tls, List<TokenConfig> tokens, Clock clock) {
        return start(vertx, config, tls, tokens, clock, AuditTrail.NONE);
    }

    /** {@link #start(Vertx, DashboardConfig, TlsMaterial, List, Clock)}, recording sign-ins and refusals. */
    public static Future<DashboardServer> start(
            Vertx vertx,
            DashboardConfig config,
            TlsMaterial tls,
            List<TokenConfig> tokens,
            Clock clock,
            AuditTrail trail) {
        DashboardAudit audit = new DashboardAudit(trail);
        DashboardAuth auth = new DashboardAuth(tokens, clock);
        LoginThrottle throttle = new LoginThrottle(clock);
        FleetQueries queries = new FleetQueries(vertx);
        LiveStreams streams = new LiveStreams(vertx);
        Map<String, Set<HttpServerResponse>> sessionStreams = new ConcurrentHashMap<>();
        Router router = Router.router(vertx);
        router.route().handler(rc -> {
            HttpServerResponse r = rc.response();
            r.putHeader("Content-Security-Policy", CSP)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on the login form's
                    // POST,
                    // which the Origin check below must refuse. Other sites still get no referrer.
                    .putHeader("Referrer-Policy", "same-origin")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Strict-Transport-Security", HSTS)
                    .putHeader("X-Frame-Options", "DENY");
            rc.next();
        });
        // Every POST's (small) body is read before anything answers it, a refusal included: answering a request whose
        // body the server never read left the client waiting on its upload now and then (seen on Java 25).
        // Every POST is recorded in the audit log once answered (docs/audit.md).
        router.post().handler(audit::track);
        router.post().handler(BodyHandler.create().setBodyLimit(4096).setHandleFileUploads(false));
        // A state-changing request must come from a page of this hub, not from another site the user has open.
        router.post().handler(rc -> {
            if (sameOrigin(rc)) {
                rc.next();
            } else {
                LOG.warn(
                        "dashboard: refused {} {} from {}: Origin {} is not this hub's",
                        rc.request().method(),
                        rc.request().path(),
                        source(rc),
                        printable(origin(rc)));
                rc.response()
                        .setStatusCode(403)
                        .putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("cross-origin request refused: sign in from this hub's own page\n");
            }
        });
        Buffer login = resource("login.html");
        Buffer loginFailed = Buffer.buffer(login.toString()
                .replace(
                        "<!--message-->",
                        "<p class=\"error\" id=\"login-error\">That token is not one of this hub's. Try again.</p>"));
        router.get("/login").handler(rc -> html(rc, rc.request().getParam("failed") != null ? loginFailed : login));
        router.post("/login").handler(rc -> {
            String from = source(rc);
            if (lockedOut(rc, throttle.sourceLocked(from), "too many wrong tokens from your address")) {
                return;
            }
            Optional<TokenConfig> t = auth.token(rc.request().getFormAttribute("token"));
            if (t.isEmpty()) {
                DashboardAudit.refused(rc, "wrong token");
                wrongToken(throttle, from, "sign-in");
                rc.response()
                        .setStatusCode(303)
                        .putHeader("Location", "/login?failed=1")
                        .end();
                return;
            }
            DashboardAudit.actor(rc, t.get().name());
            if (lockedOut(rc, throttle.tokenLocked(t.get().name()), "too many sign-ins with this token")) {
                return;
            }
            if (throttle.signedIn(from, t.get().name())) {
                LOG.warn(
                        "dashboard: token '{}' opened {} sessions within {} min; its sign-ins are locked for {} min",
                        t.get().name(),
                        LoginThrottle.MAX_SIGN_INS,
                        LoginThrottle.WINDOW.toMinutes(),
                        LoginThrottle.LOCKOUT.toMinutes());
            }
            rc.response()
                    .addCookie(Cookie.cookie(DashboardAuth.COOKIE, auth.open(t.get()))
                            .setPath("/")
                            .setHttpOnly(true)
                            .setSecure(true)
                            .setSameSite(CookieSameSite.STRICT)
                            .setMaxAge(DashboardAuth.SESSION.toSeconds()));
            rc.response().setStatusCode(303).putHeader("Location", "/").end();
        });
        router.post("/logout").handler(rc -> {
            Cookie c = rc.request().getCookie(DashboardAuth.COOKIE);
            auth.session(c == null ? null : c.getValue()).ifPresent(s -> DashboardAudit.actor(rc, s.tokenName()));
            auth.close(c == null ? null : c.getValue());
            Set<HttpServerResponse> open = c == null ? null : sessionStreams.remove(c.getValue());
            if (open != null) {
                open.stream().filter(r -> !r.ended() && !r.closed()).forEach(HttpServerResponse::end);
            }
            rc.response()
                    .addCookie(Cookie.cookie(DashboardAuth.COOKIE, "")
                            .setPath("/")
                            .setMaxAge(0)
                            .setHttpOnly(true)
                            .setSecure(true)
                            .setSameSite(CookieSameSite.STRICT))
                    .setStatusCode(303)
                    .putHeader("Location", "/login")
                    .end();
        });
        router.get("/dashboard.css").handler(rc -> asset(rc, "text/css; charset=utf-8", "dashboard.css"));
        // Everything below needs a token holder.
        router.route().handler(rc -> {
            String header = rc.request().getHeader("Authorization");
            boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
            if (bearer && lockedOut(rc, throttle.sourceLocked(source(rc)), "too many wrong tokens from your address")) {
                return;
            }
            // A Bearer token is checked once: matching a hashed token runs PBKDF2 on this event loop.
            boolean bearerMatches =
                    bearer && auth.token(header.substring(7).trim()).isPresent();
            if (bearer && !bearerMatches) {
                if (rc.request().method() != HttpMethod.POST) {
                    audit.wrongBearer(rc); // a POST's refusal is recorded when it is answered
                } else {
                    DashboardAudit.refused(rc, "wrong Bearer token");
                }
                wrongToken(throttle, source(rc), "Bearer token");
            }
            if (bearer ? bearerMatches : hasSession(auth, rc)) {
                rc.next();
            } else if (rc.request().path().startsWith("/api/")) {
                rc.response()
                        .setStatusCode(401)
                        .putHeader("WWW-Authenticate", "Bearer realm=\"kms-agent hub\"")
                        .end("{\"error\":\"not signed in: send Authorization: Bearer <token> or sign in at /login\"}");
            } else {
                rc.response().setStatusCode(303).putHeader("Location", "/login").end();
            }
        });
        Buffer index = resource("index.html");
        router.get("/").handler(rc -> html(rc, index));
        router.get("/dashboard.js").handler(rc -> asset(rc, "text/javascript; charset=utf-8", "dashboard.js"));
        router.get("/api/summary").handler(rc -> json(rc, queries.summary()));
        router.get("/api/expiring").handler(rc -> {
            ExpiringPage.Request req;
            try {
                req = ExpiringPage.Request.parse(rc.request().params());
            } catch (ControlException e) {
                rc.response()
                        .setStatusCode(400)
                        .putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", e.getMessage()).encode());
                return;
            }
            json(rc, queries.expiring(req));
        });
        router.get("/api/events").handler(rc -> {
            HttpServerResponse r = rc.response()
                    .setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("X-Accel-Buffering", "no");
            // A stream a session opened ends with the session: at sign-out at once, when it expires at the next ping.
            // It was checked only when opened, and went on sending host names and events after either.
            Cookie c = rc.request().getCookie(DashboardAuth.COOKIE);
            String sid = c != null && auth.session(c.getValue()).isPresent() ? c.getValue() : null;
            if (sid != null) {
                sessionStreams
                        .computeIfAbsent(sid, k -> ConcurrentHashMap.newKeySet())
                        .add(r);
            }
            // Whichever comes first, the stream ending (sign-out, expiry) or the browser leaving, it is taken out once:
            // after end() a close handler never runs, and an ended response left among the streams would throw
            // on the next event and keep its ping timer for good.
            AtomicBoolean gone = new AtomicBoolean();
            long[] ping = new long[1];
            Runnable forget = () -> {
                if (gone.compareAndSet(false, true)) {
                    streams.closed(r);
                    vertx.cancelTimer(ping[0]);
                    if (sid != null) {
                        sessionStreams.computeIfPresent(sid, (k, set) -> {
                            set.remove(r);
                            return set.isEmpty() ? null : set;
                        });
                    }
                }
            };
            ping[0] = vertx.setPeriodic(15_000, id -> {
                if (r.ended() || r.closed()) {
                    forget.run();
                } else if (sid != null && auth.session(sid).isEmpty()) {
                    r.end();
                } else {
                    r.write(": ping\n\n");
                }
            });
            r.closeHandler(v -> forget.run());
            r.endHandler(v -> forget.run());
            // The first bytes (and so the browser's "open") once the subscription is in place; without one the
            // stream ends and the browser tries again after its retry time.
            streams.open(r).onComplete(ar -> {
                if (r.closed() || r.ended()) {
                    return;
                }
                if (ar.succeeded()) {
                    r.write(": kms-agent hub events\nretry: 2000\n\n");
                } else {
                    LOG.warn(
                            "dashboard: cannot follow the fleet's events ({})",
                            ar.cause().getMessage());
                    r.end();
                }
            });
        });
        HttpServer server =
                vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(tls.keyCertOptions()));
        return server.requestHandler(router)
                .listen(config.port(), config.host())
                .map(s -> new DashboardServer(s, streams));
    }

    /** HTTPS only, for a year: a browser that saw the dashboard never tries it over plain HTTP. */
    static final String HSTS = "max-age=31536000";

    private static String source(RoutingContext rc) {
        return rc.request().remoteAddress() == null
                ? "?"
                : rc.request().remoteAddress().hostAddress();
    }

    private static String origin(RoutingContext rc) {
        String origin = rc.request().getHeader("Origin");
        if (origin != null) {
            return origin;
        }
        String referer = rc.request().getHeader("Referer");
        if (referer == null) {
            return null;
        }
        int slash = referer.indexOf('/', referer.indexOf("//") + 2);
        return slash < 0 ? referer : referer.substring(0, slash);
    }

    /** Whether the request's Origin (or, without one, its Referer) is this hub's own {@code https://host:port}. */
    private static boolean sameOrigin(RoutingContext rc) {
        String origin = origin(rc);
        String host = rc.request().getHeader("Host");
        return origin != null && host != null && origin.equalsIgnoreCase("https://" + host);
    }

    private static boolean lockedOut(RoutingContext rc, Optional<Duration> remaining, String why) {
        if (remaining.isEmpty()) {
            return false;
        }
        long minutes = Math.max(1, (remaining.get().toSeconds() + 59) / 60);
        rc.response()
                .setStatusCode(429)
                .putHeader("Retry-After", Long.toString(remaining.get().toSeconds()))
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(why + ": try again in " + minutes + " minute(s)\n");
        return true;
    }

    private static void wrongToken(LoginThrottle throttle, String from, String how) {
        if (throttle.failed(from)) {
            LOG.warn(
                    "dashboard: {} wrong tokens from {} within {} min ({}); that address is locked out for {} min",
                    LoginThrottle.MAX_FAILURES,
                    from,
                    LoginThrottle.WINDOW.toMinutes(),
                    how,
                    LoginThrottle.LOCKOUT.toMinutes());
        } else {
            LOG.info("dashboard: wrong token from {} ({})", from, how);
        }
    }

    /** A request path made safe for a log line or audit record. */
    static String printablePath(String path) {
        return printable(path);
    }

    /** Client text made safe for one log line. */
    private static String printable(String text) {
        return text == null ? "(none)" : BoundedInput.shown(text);
    }

    private static boolean hasSession(DashboardAuth auth, RoutingContext rc) {
        Cookie c = rc.request().getCookie(DashboardAuth.COOKIE);
        return c != null && auth.session(c.getValue()).isPresent();
    }

    private static void html(RoutingContext rc, Buffer page) {
        rc.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("X-Frame-Options", "DENY")
                .end(page);
    }

    private static void asset(RoutingContext rc, String type, String name) {
        rc.response().putHeader("Content-Type", type).end(resource(name));
    }

    private static void json(RoutingContext rc, Future<JsonObject> reply) {
        reply.onComplete(ar -> {
            if (ar.succeeded()) {
                rc.response()
                        .putHeader("Content-Type", "application/json")
                        .end(ar.result().encode());
            } else {
                rc.response()
                        .setStatusCode(503)
                        .putHeader("Content-Type", "application/json")
                        .end(new JsonObject()
                                .put(
                                        "error",
                                        "the fleet view did not answer: "
                                                + ar.cause().getMessage())
                                .encode());
            }
        });
    }

    static Buffer resource(String name) {
        try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the build: " + name);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.actualPort();
    }

    /** Stops listening and closes the event streams. */
    public Future<Void> close() {
        return live.close().eventually(server::close);
    }
}
