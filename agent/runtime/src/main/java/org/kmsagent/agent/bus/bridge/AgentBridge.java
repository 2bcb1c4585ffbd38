package org.kmsagent.agent.bus.bridge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.kmsagent.agent.bus.SameProcessJson;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.core.CannotListen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge over TLS: wire-compatible with Vert.x's {@code vertx-tcp-eventbus-bridge} framing and
 * frame types (send, publish, register, unregister, ping), but its own server, because the stock 5.0.7 bridge
 * buffers a frame of any declared length, drops malformed JSON silently, logs whole frames (tokens included) when an
 * address is missing, and offers no hook to bound connections. Here every frame is length-checked before it is
 * buffered, every client is authenticated on every frame, roles and allow-lists are checked per address, and
 * connections are bounded. See {@code docs/event-bus.md} for the protocol.
 *
 * <p>Threading: the bridge is served by {@code bridge.eventLoops} server instances sharing one port (Vert.x server
 * sharing), each deployed on its own event-loop context; Vert.x hands each new connection to the next instance in
 * turn, and a connection stays on its instance's event loop for its life. The bookkeeping shared by all instances
 * (counts, limits, the set of open connections) is thread-safe.
 */
public final class AgentBridge {
    private static final Logger LOG = LoggerFactory.getLogger(AgentBridge.class);
    /**
     * How long a TLS handshake with a bridge may take, in seconds, on both sides: the bridge's and its clients' (an
     * agent's fleet link).
     */
    public static final int HANDSHAKE_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final BridgeConfig config;
    private final TlsMaterial tls;
    private final BridgeAccess access;
    private final ConnectionLimits limits;
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<BridgeConnection> open = ConcurrentHashMap.newKeySet();
    /**
     * A distinct negative port per bridge when {@code bridge.port} is 0: Vert.x 5 does not share a server listening
     * on port 0 (each would get its own random port), but servers listening on the same negative port share one random
     * port, within one Vert.x instance; distinct per bridge so that two bridges in one Vert.x do not share one.
     */
    private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

    private final List<NetServer> servers = new CopyOnWriteArrayList<>();
    private String deployment;
    /** Where admin actions and refusals are recorded (docs/audit.md). */
    private AuditTrail audit = AuditTrail.NONE;
    /** The TLS implementation; null for Vert.x's default (the JDK's). */
    private SSLEngineOptions engine;

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
    public AgentBridge audited(AuditTrail trail) {
        this.audit = trail;
        return this;
    }

    /**
     * Serves TLS with {@code engine} instead of the JDK's (a hub's resumable sessions, docs/fleet.md). Call before
     * {@link #listen()}.
     */
    public AgentBridge tlsEngine(SSLEngineOptions engine) {
        this.engine = engine;
        return this;
    }

    /**
     * Starts listening on {@code bridge.host:bridge.port} with {@code bridge.eventLoops} server instances (1 when not
     * configured); port 0 picks a free one (see {@link #port()}). Fails with {@link CannotListen} naming the address
     * when it cannot listen there (the port taken, the host not this machine's); unusable TLS material throws at once.
     */
    public Future<AgentBridge> listen() {
        NetServerOptions options = new NetServerOptions()
                .setHost(config.host())
                .setPort(config.port() == 0 ? -1000 - RANDOM_PORT_KEYS.incrementAndGet() : config.port())
                .setSsl(true)
                .setKeyCertOptions(tls.keyCertOptions())
                // A client that sends nothing (ctl and agents ping or heartbeat) gives its slot back.
                .setReadIdleTimeout(config.idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                // A handshake queued behind thousands of others (a hub's reconnection storm) is finished, not dropped
                // after Vert.x's default 10 s: dropping it wastes both sides' work and brings the client back.
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS);
        if (engine != null) {
            options.setSslEngineOptions(engine);
        }
        if (config.tls().clientCaFile() != null) {
            // Asked for, then required in connected(): a client without one is told so, and logged
            // (ClientCertificates).
            options.setClientAuth(ClientAuth.REQUEST)
                    .setTrustOptions(TrustOptions.wrap(
                            ClientCertificates.trustManager(Path.of(config.tls().clientCaFile()))));
        }
        int instances = config.eventLoopsOr(1);
        SameProcessJson.registerOn(vertx.eventBus());
        return vertx.deployVerticle(() -> new ServerInstance(options), new DeploymentOptions().setInstances(instances))
                .recover(e -> Future.failedFuture(new CannotListen("bridge", config.host(), config.port(), e)))
                .map(id -> {
                    deployment = id;
                    if (instances > 1) {
                        LOG.debug("bridge: {} server instances on port {}", instances, port());
                    }
                    return this;
                });
    }

    /** One server instance, on the event loop of its deployment's context. */
    private final class ServerInstance extends VerticleBase {
        private final NetServerOptions options;

        ServerInstance(NetServerOptions options) {
            this.options = options;
        }

        @Override
        public Future<?> start() {
            NetServer server = vertx.createNetServer(options);
            BridgeSubscriptions subscriptions = new BridgeSubscriptions(vertx);
            server.connectHandler(socket -> connected(socket, subscriptions));
            servers.add(server);
            return server.listen();
        }
    }

    private void connected(NetSocket socket, BridgeSubscriptions subscriptions) {
        boolean direct = DirectWrites.apply(socket);
        if (connections.incrementAndGet() > config.maxConnections()) {
            connections.decrementAndGet();
            LOG.warn(
                    "bridge: refused a connection from {}: {} clients already connected",
                    socket.remoteAddress(),
                    config.maxConnections());
            socket.end(Frames.encode(Frames.error("too_many_connections")));
            return;
        }
        String source =
                socket.remoteAddress() == null ? "?" : socket.remoteAddress().hostAddress();
        if (config.tls().clientCaFile() != null && ClientCertificates.refusal(socket) != null) {
            connections.decrementAndGet();
            LOG.warn(
                    "bridge: refused a connection from {}: it presented no client certificate issued by a CA in"
                            + " bridge.tls.clientCaFile (a client offers only one those CAs issued)",
                    socket.remoteAddress());
            socket.end(Frames.encode(Frames.error(ClientCertificates.REQUIRED)));
            return;
        }
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
        self[0] = new BridgeConnection(vertx, socket, direct, access, config, limits, audit, subscriptions, () -> {
            connections.decrementAndGet();
            limits.releaseAddress(source);
            open.remove(self[0]);
        });
        open.add(self[0]);
        self[0].start();
    }

    /** The port listened on. */
    public int port() {
        return servers.get(0).actualPort();
    }

    /** The certificate fingerprint clients pin. */
    public String fingerprint() {
        return tls.fingerprint();
    }

    /** The event-loop threads serving the connections open now. */
    Set<String> eventLoops() {
        return open.stream().map(BridgeConnection::thread).collect(Collectors.toSet());
    }

    /** How many of the connections open now write straight to their channel ({@link DirectWrites}). */
    long directConnections() {
        return open.stream().filter(BridgeConnection::writesDirectly).count();
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
        if (deployment == null) {
            return Future.succeededFuture();
        }
        String id = deployment;
        deployment = null;
        // Undeploying closes every instance's server, and with it its connections. Already undeployed when Vert.x
        // itself was closed first: nothing left to close then.
        return vertx.undeploy(id).otherwiseEmpty();
    }
}
