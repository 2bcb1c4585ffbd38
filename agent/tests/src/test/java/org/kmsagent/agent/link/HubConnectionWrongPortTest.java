package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.TlsMaterial;

/**
 * An agent whose {@code fleet.hubs} names a hub's dashboard port: the dashboard serves the hub's own certificate, so
 * the pinned fingerprint passes and only the first frame fails. The agent logged "the hub closed the connection";
 * it now says the port is no bridge's and which port to give, and a registration left unanswered fails (the agent
 * then tries its next hub). Loopback servers with the hub's TLS material.
 */
class HubConnectionWrongPortTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        get(vertx.close());
    }

    @Test
    void aWebServerOnTheHubsCertificateIsNamedAsNoBridgePort() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        int port = dashboard(tls);

        // Vert.x's HTTP server waits for a request line the bridge's frame never ends: no answer, no close. The agent
        // waited on it for good, never trying its next hub.
        assertThat(firstRegistrationFailure(tls, port, 500))
                .contains("no answer within 500 ms")
                .contains("is it the hub's bridge port? fleet.hubs names each hub's bridge.port (7688 by default),"
                        + " not its dashboard.port");
    }

    @Test
    void aWebServerThatAnswersTheFrameWithHttpIsNamedAsNoBridgePort() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        int port = tlsServer(
                tls,
                socket -> socket.handler(data -> socket.write(
                                "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .onComplete(x -> socket.close())));

        assertThat(firstRegistrationFailure(tls, port, 15_000))
                .contains("this port answers HTTP, not the bridge's framing");
    }

    /**
     * A hub's metrics port (plain HTTP) answers the TLS handshake with an HTTP 400 in clear text: the agent logged
     * Netty's "not an SSL/TLS record: 485454502f312e30…", where ctl on the same port says what it is.
     */
    @Test
    void aPlainHttpPortIsNamedAsNoBridgePortNotAsHex() throws Exception {
        int port = get(vertx.createHttpServer()
                        .requestHandler(r -> r.response().setStatusCode(404).end())
                        .listen(0, "127.0.0.1"))
                .actualPort();
        var client = vertx.createNetClient(
                FleetLink.clientOptions(List.of(LoopbackHub.tls(dir).fingerprint()), null));

        try {
            get(HubConnection.connect(vertx, client, "127.0.0.1", port, "agent-token"));
            throw new AssertionError("a TLS connection to a plain HTTP port");
        } catch (ExecutionException e) {
            assertThat(FleetLink.reason(e.getCause()))
                    .isEqualTo("answered, but not with TLS: not a kms-agent bridge: is it the hub's bridge port?"
                            + " fleet.hubs names each hub's bridge.port (7688 by default), not its dashboard.port"
                            + " (7689), a metrics port or another web port");
        }
    }

    @Test
    void aServerThatClosesBeforeAnyFrameIsNamedAsPossiblyNoBridgePort() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        int port = tlsServer(tls, socket -> socket.handler(data -> socket.close()));

        // The registration's deadline is far off: on a loaded machine the close took longer than 500 ms to arrive.
        assertThat(firstRegistrationFailure(tls, port, 15_000))
                .contains("the hub closed the connection before answering anything: is it the hub's bridge port?");
    }

    @Test
    void aWebServerThatLeavesThePingUnansweredIsNamedAsNoBridgeWithinThePingDeadline() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        int port = dashboard(tls);
        HubConnection c = connect(tls, port);

        try {
            get(c.ping(300));
            throw new AssertionError("a port that is no bridge's answered a ping");
        } catch (ExecutionException e) {
            assertThat(e.getCause().getMessage())
                    .isEqualTo("answered, but not as a kms-agent bridge (no answer to a bridge ping within 300 ms): is"
                            + " it the hub's bridge port? fleet.hubs names each hub's bridge.port (7688 by default),"
                            + " not its dashboard.port (7689), a metrics port or another web port");
        }
    }

    @Test
    void aConnectionTheAgentClosesItselfIsNotSaidToBeClosedByTheHub() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        int port = tlsServer(tls, socket -> socket.handler(data -> {})); // hears, never answers
        HubConnection c = connect(tls, port);
        Future<Void> registering = c.register("kmsagent.fleet.agents", 60_000);

        get(c.close());

        try {
            get(registering);
            throw new AssertionError("registered on a connection closed before any answer");
        } catch (ExecutionException e) {
            assertThat(e.getCause().getMessage()).isEqualTo("the agent closed the connection itself");
        }
        assertThat(c.isClosed()).isTrue();
    }

    @Test
    void whatIsAskedOfAClosedConnectionFailsAtOnceWithWhyItClosed() throws Exception {
        // A ping or a request on a connection already shut waited its whole deadline, then said "not a bridge" or
        // "no reply", as register no longer did.
        TlsMaterial tls = LoopbackHub.tls(dir);
        HubConnection c = connect(tls, tlsServer(tls, socket -> socket.handler(data -> {})));
        get(c.close());

        for (Future<?> asked : List.of(
                c.ping(60_000),
                c.request("kmsagent.status", new JsonObject(), 60_000),
                c.requestAwaitingReply("kmsagent.status", new JsonObject(), 60_000, checks -> true))) {
            assertThat(asked.failed()).as("failed at once").isTrue();
            assertThat(asked.cause().getMessage()).isEqualTo("the agent closed the connection itself");
        }
    }

    private HubConnection connect(TlsMaterial tls, int port) throws Exception {
        var client = vertx.createNetClient(FleetLink.clientOptions(List.of(tls.fingerprint()), null));
        return get(HubConnection.connect(vertx, client, "127.0.0.1", port, "agent-token"));
    }

    /** A loopback TLS server on the hub's certificate, each connection given to {@code connected}. */
    private int tlsServer(TlsMaterial tls, Handler<NetSocket> connected) throws Exception {
        NetServerOptions options = LoopbackHub.onHubCertificate(new NetServerOptions(), tls);
        return get(vertx.createNetServer(options).connectHandler(connected).listen())
                .actualPort();
    }

    /** The hub's dashboard: HTTPS on the hub's certificate, answering every request with a page. */
    private int dashboard(TlsMaterial tls) throws Exception {
        return get(vertx.createHttpServer(LoopbackHub.onHubCertificate(new HttpServerOptions(), tls))
                        .requestHandler(r -> r.response().end("dashboard"))
                        .listen())
                .actualPort();
    }

    private String firstRegistrationFailure(TlsMaterial tls, int port, long timeoutMs) throws Exception {
        var client = vertx.createNetClient(FleetLink.clientOptions(List.of(tls.fingerprint()), null));
        HubConnection c = get(HubConnection.connect(vertx, client, "127.0.0.1", port, "agent-token"));
        try {
            get(c.register("kmsagent.fleet.agents", timeoutMs));
            throw new AssertionError("registered with a port that is no bridge's");
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
