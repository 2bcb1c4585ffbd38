package org.kmsagent.agent.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.function.Supplier;
import org.kmsagent.agent.config.MetricsConfig;
import org.kmsagent.agent.core.CannotListen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-HTTP Prometheus endpoint: {@code GET /metrics} refreshes the gauges from the live state first (so a
 * scrape never shows figures older than the scrape), then answers the registry's text. Other paths get 404, other
 * methods 405.
 */
public final class MetricsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** Prometheus' text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final Figures figures;

    private MetricsEndpoint(HttpServer server, Figures figures) {
        this.server = server;
        this.figures = figures;
    }

    /**
     * Listens on {@code config.host():config.port()}; fails with {@link CannotListen} naming that address when it
     * cannot.
     *
     * @param refresh brings the gauges up to date; a failed refresh still serves what the registry holds
     */
    public static Future<MetricsEndpoint> start(
            Vertx vertx, MetricsConfig config, Figures figures, Supplier<Future<?>> refresh) {
        HttpServer server = vertx.createHttpServer();
        server.requestHandler(req -> {
            if (!"/metrics".equals(req.path())) {
                req.response().setStatusCode(404).end("not found: the metrics are at /metrics\n");
                return;
            }
            if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                req.response()
                        .setStatusCode(405)
                        .putHeader("Allow", "GET, HEAD")
                        .end();
                return;
            }
            refresh.get().onComplete(ar -> {
                if (ar.failed()) {
                    LOG.debug(
                            "metrics: refresh failed, serving the figures held: {}",
                            ar.cause().toString());
                }
                req.response().putHeader("Content-Type", CONTENT_TYPE).end(figures.scrape());
            });
        });
        return server.listen(config.port(), config.host())
                .recover(e -> Future.failedFuture(new CannotListen("metrics", config.host(), config.port(), e)))
                .map(s -> new MetricsEndpoint(s, figures));
    }

    /** The port it listens on (the one picked, when configured 0). */
    public int port() {
        return server.actualPort();
    }

    /** Stops listening, and the figures' JVM meters with it. */
    public Future<Void> close() {
        return server.close().onComplete(x -> figures.close());
    }
}
