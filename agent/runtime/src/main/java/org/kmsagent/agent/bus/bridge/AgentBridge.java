package org.kmsagent.agent.bus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge over TLS: wire-compatible with Vert.x's {@code vertx-tcp-eventbus-bridge} framing and
 * frame types (send, publish, register, unregister, ping), but its own server, because the stock 5.0.7 bridge
 * buffers a frame of any declared length, drops malformed JSON silently, logs whole frames (tokens included) when an
 * address is missing, and offers no hook to bound connections. Here every frame is length-checked before it is
 * buffered, every client is authenticated on every frame, roles and allow-lists are checked per address, and
 * connections are bounded. See {@code docs/event-bus.md} for the protocol.
 */
public final class AgentBridge {
    private static final Logger LOG = LoggerFactory.getLogger(AgentBridge.class);

    private final Vertx vertx;
    private final BridgeConfig config;
    private final TlsMaterial tls;
    private final BridgeAccess access;
    private final ConnectionLimits limits;
    private final AtomicInteger connections = new AtomicInteger();
    private final java.util.Set<BridgeConnection> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private NetServer server;
    /** Where admin actions and refusals are recorded (docs/audit.md). */
    private org.kmsagent.agent.bus.audit.AuditTrail audit = org.kmsagent.agent.bus.audit.AuditTrail.NONE;

    /**
     * @param tokens the effective tokens (the configured ones, or the generated admin token)
     */
    public AgentBridge(Vertx vertx, BridgeConfig config, TlsMaterial tls, List<TokenConfig> tokens) {
        this(vertx, config, tls, tokens, BridgeRoutes.NONE);
    }

    /**
     * A bridge that also serves extra addresses (the fleet hub's).
     *
     * @param routes who may send to, and register on, addresses outside the control API
     */
    public AgentBridge(
            Vertx vertx, BridgeConfig config, TlsMaterial tls, List<TokenConfig> tokens, BridgeRoutes routes) {
        this.vertx = vertx;
        this.config = config;
        this.tls = tls;
        this.access = new BridgeAccess(config, tokens, routes);
        this.limits = new ConnectionLimits(config, routes);
    }

    /**
     * Records every request that needs the {@code admin} role (with its outcome) and every refused one in the trail.
     * Call before {@link #listen()}.
     */
    public AgentBridge audited(org.kmsagent.agent.bus.audit.AuditTrail trail) {
        this.audit = trail;
        return this;
    }

    /** Starts listening on {@code bridge.host:bridge.port}; port 0 picks a free one (see {@link #port()}). */
    public Future<AgentBridge> listen() {
        NetServerOptions options = new NetServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setSsl(true)
                .setKeyCertOptions(tls.keyCertOptions())
                // A client that sends nothing (ctl and agents ping or heartbeat) gives its slot back.
                .setReadIdleTimeout(config.idleTimeoutSeconds())
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
        if (config.tls().clientCaFile() != null) {
            options.setClientAuth(ClientAuth.REQUIRED)
                    .setTrustOptions(
                            new PemTrustOptions().addCertPath(config.tls().clientCaFile()));
        }
        server = vertx.createNetServer(options);
        server.connectHandler(socket -> {
            if (connections.incrementAndGet() > config.maxConnections()) {
                connections.decrementAndGet();
                LOG.warn(
                        "bridge: refused a connection from {}: {} clients already connected",
                        socket.remoteAddress(),
                        config.maxConnections());
                socket.end(Frames.encode(Frames.error("too_many_connections")));
                return;
            }
            String source = socket.remoteAddress() == null
                    ? "?"
                    : socket.remoteAddress().hostAddress();
            if (!limits.admitAddress(source)) {
                connections.decrementAndGet();
                LOG.warn(
                        "bridge: refused a connection from {}: it holds {} connections already "
                                + "(bridge.maxConnectionsPerAddress)",
                        source,
                        config.maxConnectionsPerAddress());
                socket.end(Frames.encode(Frames.error("too_many_connections_from_address")));
                return;
            }
            BridgeConnection[] self = new BridgeConnection[1];
            self[0] = new BridgeConnection(vertx, socket, access, config, limits, audit, () -> {
                connections.decrementAndGet();
                limits.releaseAddress(source);
                open.remove(self[0]);
            });
            open.add(self[0]);
            self[0].start();
        });
        return server.listen().map(s -> this);
    }

    /** The port listened on. */
    public int port() {
        return server.actualPort();
    }

    /** The certificate fingerprint clients pin. */
    public String fingerprint() {
        return tls.fingerprint();
    }

    /** Clients connected now. */
    public int connectionCount() {
        return connections.get();
    }

    /**
     * Checks every connected agent's credential again; those no longer valid (revoked, re-issued) are closed. Call
     * after the credentials changed.
     */
    public void revalidate() {
        open.forEach(BridgeConnection::revalidate);
    }

    /** Stops listening and closes every connection. */
    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
