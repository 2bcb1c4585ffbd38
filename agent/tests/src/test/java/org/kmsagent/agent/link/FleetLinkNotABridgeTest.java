package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.FrameDecoder;
import org.kmsagent.agent.bus.bridge.Frames;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.LoggerFactory;

/**
 * What the agent's log says when {@code fleet.hubs} names a port that answers TLS on the hub's certificate but is no
 * bridge (the hub's dashboard), when the agent itself closes a connection, and that a hub merely slow to answer a
 * registration is still waited for. Loopback servers with the hub's TLS material, on free ports; the link runs on a
 * Vert.x of its own so that closing it is the point after which it can log nothing more.
 */
class FleetLinkNotABridgeTest {
    @TempDir
    Path dir;

    private final Vertx servers = Vertx.vertx();
    private final Vertx agent = Vertx.vertx();
    private final Logger linkLog = (Logger) LoggerFactory.getLogger(FleetLink.class);
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            logged.add(e.getLevel() + " " + e.getFormattedMessage());
        }
    };

    @BeforeEach
    void capture() {
        appender.start();
        linkLog.addAppender(appender);
    }

    @AfterEach
    void close() throws Exception {
        linkLog.detachAppender(appender);
        get(agent.close());
        get(servers.close());
    }

    @Test
    void aHubsDashboardPortIsNamedWithinTheFirstAnswerDeadlineAndTriedAgainAsAHubThatIsDown() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        AtomicInteger connections = new AtomicInteger();
        // The hub's dashboard: HTTPS on the hub's own certificate, which waits for a request line the bridge's frames
        // never end. The agent waited 120 s (its registration deadline) before saying anything.
        int port = get(servers.createHttpServer(LoopbackHub.onHubCertificate(new HttpServerOptions(), tls))
                        .connectionHandler(c -> connections.incrementAndGet())
                        .requestHandler(r -> r.response().end("dashboard"))
                        .listen())
                .actualPort();
        FleetLink link = link(tls, port, 300);
        link.start();

        // One clear line per try, naming the address and what to check; then the next try, with backoff, for good.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> connections.get() >= 2 && warnings().size() >= 2);
        assertThat(warnings().get(0))
                .isEqualTo("WARN fleet: pc-1 cannot use hub 127.0.0.1:" + port
                        + ": answered, but not as a kms-agent bridge (no answer to a bridge ping within 300 ms): is it"
                        + " the hub's bridge port? fleet.hubs names each hub's bridge.port (7688 by default), not its"
                        + " dashboard.port (7689), a metrics port or another web port");
        assertThat(link.hub()).isEmpty();
        get(link.stop());
    }

    @Test
    void anAgentStoppedWhileItsHubHasNotAnsweredDoesNotSayTheHubClosedTheConnection() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        Promise<Void> registering = Promise.promise();
        // A bridge that answers pings but holds registrations (a hub in a reconnection storm).
        int port = bridge(tls, (socket, frame) -> {
            if ("register".equals(frame.getString("type"))) {
                registering.tryComplete();
            }
        });
        FleetLink link = link(tls, port, 5_000);
        link.start();
        get(registering.future());

        get(link.stop());
        get(agent.close()); // whatever the link still had to do is done: it logs nothing after this

        assertThat(logged).noneMatch(line -> line.contains("closed the connection"));
        assertThat(logged).noneMatch(line -> line.contains("cannot use hub"));
    }

    @Test
    void aHubSlowToAnswerItsRegistrationIsWaitedForPastTheFirstAnswerDeadline() throws Exception {
        TlsMaterial tls = LoopbackHub.tls(dir);
        // Answers pings at once, registrations only after three times the ping deadline.
        int port = bridge(tls, (socket, frame) -> {
            if ("register".equals(frame.getString("type"))) {
                servers.setTimer(
                        3_000,
                        t -> socket.write(Frames.encode(new JsonObject()
                                .put("type", "registered")
                                .put("address", frame.getString("address")))));
            } else if (FleetAddresses.REGISTER.equals(frame.getString("address"))) {
                socket.write(Frames.encode(new JsonObject()
                        .put("type", "message")
                        .put("address", frame.getString("replyAddress"))
                        .put("body", new JsonObject().put("lastSeq", 0L))));
            }
        });
        FleetLink link = link(tls, port, 1_000);
        link.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> link.hub().isPresent());
        assertThat(link.hub()).contains("127.0.0.1:" + port);
        assertThat(warnings()).isEmpty();
        get(link.stop());
    }

    private List<String> warnings() {
        return logged.stream().filter(l -> l.startsWith("WARN")).toList();
    }

    /** A loopback TLS server that answers pings as a bridge does, and gives every other frame to {@code frames}. */
    private int bridge(TlsMaterial tls, BiConsumer<NetSocket, JsonObject> frames) throws Exception {
        return get(servers.createNetServer(LoopbackHub.onHubCertificate(new NetServerOptions(), tls))
                        .connectHandler(socket -> {
                            FrameDecoder decoder = new FrameDecoder(1 << 20);
                            socket.handler(data -> {
                                try {
                                    for (JsonObject frame : decoder.feed(data)) {
                                        if ("ping".equals(frame.getString("type"))) {
                                            socket.write(Frames.encode(new JsonObject().put("type", "pong")));
                                        } else {
                                            frames.accept(socket, frame);
                                        }
                                    }
                                } catch (FrameDecoder.FrameException e) {
                                    socket.close();
                                }
                            });
                        })
                        .listen())
                .actualPort();
    }

    /** The link under test, on its own Vert.x; its heartbeat an hour off, so that only registrations are sent. */
    private FleetLink link(TlsMaterial tls, int port, long requestTimeoutMs) {
        return LoopbackHub.link(agent, dir, tls, port, 3_600_000, requestTimeoutMs);
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
