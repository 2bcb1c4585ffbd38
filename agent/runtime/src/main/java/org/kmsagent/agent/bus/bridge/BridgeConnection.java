package org.kmsagent.agent.bus.bridge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.SameProcessJson;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.core.BoundedInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Runs on the socket's event loop only, and writes to its socket from there only (it may write
 * to it directly, {@link DirectWrites}). A frame that cannot be parsed, or a client that fails
 * to authenticate, gets an error frame and the connection is closed; the agent carries on. Frame contents are never
 * logged (they may hold a token).
 */
final class BridgeConnection {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);
    /** A client that has not sent one authenticated frame by then is dropped, so idle sockets cannot hold slots. */
    private static final long AUTH_DEADLINE_MS = 10_000;
    /**
     * Requests one connection may have waiting for the agent; beyond it the bridge stops reading from that client
     * until replies have gone out, so a client that pipelines without reading cannot make the agent queue without bound.
     */
    static final int MAX_IN_FLIGHT = 32;
    /**
     * Refusals for the client's role a connection may have before it is closed: each is a warning in the log and a
     * record in the audit log (docs/audit.md), and a client whose own commands keep asking for what its token may not
     * do (ctl asks one thing a connection) would otherwise be free to rotate an administrator's records out of it.
     */
    static final int MAX_REFUSALS = 16;
    /**
     * The frame types a client sends besides ping, which is answered before anything else; publish is known, and
     * refused as access_denied (only the agent publishes events).
     */
    private static final Set<String> KNOWN_TYPES = Set.of("send", "register", "unregister", "publish");

    /**
     * Headers a client may not pass on, lower case (bus headers are case-insensitive: "AgentId" is "agentId"): who it
     * is, and the bridge's own {@link Frames#ACCEPT_ENCODING}.
     */
    private static final Set<String> RESERVED_HEADERS =
            Set.of("token", "client", "role", "agentid", "connection", Frames.ACCEPT_ENCODING);

    private final Vertx vertx;
    private final NetSocket socket;
    /** Whether the socket writes straight to its channel, without Vert.x's queue for other threads. */
    private final boolean direct;

    private final BridgeAccess access;
    private final BridgeConfig config;
    private final FrameDecoder decoder;
    /** The addresses this client registered on, each heard through its server instance's subscriptions. */
    private final Set<String> registrations = new HashSet<>(4);

    private final BridgeSubscriptions subscriptions;
    private final Runnable onClosed;
    private final ConnectionLimits limits;
    private final BridgeAudit audit;
    /** Names this connection on the bus (so a hub can tell two agents behind one shared token apart). */
    private final String connectionId = UUID.randomUUID().toString();
    /** Whether this connection holds a slot of its client's share (released when it closes). */
    private boolean holdsClientSlot;

    private boolean authenticated;
    private Context context;
    /** Who this connection authenticated as first; every later frame must be the same client. */
    private BridgeCaller caller;
    /** The credential it used, to check again before delivering to its registrations (a revoked agent hears no more). */
    private String token;

    /** The event loop serving this connection (its server instance's). */
    private String thread;

    private int inFlight;
    /** Requests and registrations refused on this connection for the client's role ({@link #MAX_REFUSALS}). */
    private int refusals;

    private boolean paused;
    private boolean closed;

    BridgeConnection(
            Vertx vertx,
            NetSocket socket,
            boolean direct,
            BridgeAccess access,
            BridgeConfig config,
            ConnectionLimits limits,
            AuditTrail audit,
            BridgeSubscriptions subscriptions,
            Runnable onClosed) {
        this.subscriptions = subscriptions;
        this.audit = new BridgeAudit(audit, socket);
        this.limits = limits;
        this.onClosed = onClosed;
        this.vertx = vertx;
        this.socket = socket;
        this.direct = direct;
        this.access = access;
        this.config = config;
        this.decoder = new FrameDecoder(config.maxFrameBytes());
    }

    void start() {
        context = vertx.getOrCreateContext();
        thread = Thread.currentThread().getName();
        socket.handler(this::received);
        socket.exceptionHandler(t -> {
            LOG.debug("bridge: connection {} failed: {}", socket.remoteAddress(), t.toString());
            close();
        });
        socket.closeHandler(v -> {
            if (!closed && authenticated) {
                LOG.debug(
                        "bridge: connection {} ('{}') closed",
                        socket.remoteAddress(),
                        caller == null ? "?" : caller.name());
            }
            cleanUp();
            onClosed.run();
        });
        vertx.setTimer(AUTH_DEADLINE_MS, id -> {
            if (!authenticated && !closed) {
                closeWith("auth_timeout");
            }
        });
    }

    boolean writesDirectly() {
        return direct;
    }

    /** The name of the event-loop thread serving this connection. */
    String thread() {
        return thread;
    }

    /**
     * Checks the connection's credential again (from any thread): one that no longer authenticates as the same client
     * (revoked, re-issued) closes the connection at once.
     */
    void revalidate() {
        Context c = context;
        if (c == null) {
            return;
        }
        c.runOnContext(v -> {
            if (!closed && caller != null) {
                closedIfRevoked();
            }
        });
    }

    /**
     * Closes an agent's connection whose credential no longer authenticates it (revoked or re-issued since it
     * connected).
     *
     * @return whether it was closed
     */
    private boolean closedIfRevoked() {
        if (!caller.isAgent()
                || access.authenticate(token)
                        .filter(c -> c.name().equals(caller.name()))
                        .isPresent()) {
            return false;
        }
        LOG.warn(
                "bridge: client '{}' from {}: credential no longer valid; closing",
                caller.name(),
                socket.remoteAddress());
        closeWith("not_authorised");
        return true;
    }

    private void received(Buffer data) {
        if (closed) {
            return;
        }
        List<JsonObject> frames;
        try {
            frames = decoder.feed(data);
        } catch (FrameDecoder.FrameException e) {
            LOG.warn("bridge: closing {}: {}", socket.remoteAddress(), e.getMessage());
            closeWith(e.getMessage());
            return;
        }
        for (JsonObject frame : frames) {
            if (closed) {
                return;
            }
            handle(frame);
        }
        applyBackPressure();
    }

    /** Stops reading while too many requests are open or the client is not reading its replies. */
    private void applyBackPressure() {
        boolean shouldPause = inFlight >= MAX_IN_FLIGHT || socket.writeQueueFull();
        if (shouldPause && !paused) {
            paused = true;
            socket.pause();
            socket.drainHandler(v -> applyBackPressure());
        } else if (!shouldPause && paused && !closed) {
            paused = false;
            socket.resume();
        }
    }

    private void handle(JsonObject frame) {
        String type = frame.getValue("type") instanceof String s ? s : null;
        if ("ping".equals(type)) {
            write(new JsonObject().put("type", "pong"));
            return;
        }
        String address = frame.getValue("address") instanceof String s ? s : null;
        String replyAddress = frame.getValue("replyAddress") instanceof String s ? s : null;
        JsonObject headers = frame.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
        Object rawToken = headers.getValue("token");
        Optional<BridgeCaller> client = rawToken == null || rawToken instanceof String
                ? access.authenticate((String) rawToken)
                : Optional.empty();
        if (client.isPresent()
                && caller != null
                && !caller.name().equals(client.get().name())) {
            // One connection, one identity: a second credential on the same socket would blur who did what.
            LOG.warn(
                    "bridge: {} from {} refused: connection authenticated as '{}' presented another credential ('{}')",
                    BoundedInput.printable(type),
                    socket.remoteAddress(),
                    caller.name(),
                    client.get().name());
            audit.refused(
                    client.get().name(),
                    address,
                    frame.getValue("body"),
                    BusCodes.UNAUTHORIZED,
                    "a second credential on a connection authenticated as '" + caller.name() + "'");
            // Answered on its reply address first, as every refusal that closes is: a client waiting there fails at
            // once.
            if (replyAddress != null) {
                write(Frames.failure(
                        address, replyAddress, BusCodes.UNAUTHORIZED, "RECIPIENT_FAILURE", "not_authorised"));
            }
            closeWith("not_authorised");
            return;
        }
        if (client.isEmpty()) {
            // Refuse and hang up: a guesser must reconnect (TLS handshake included) for every try.
            LOG.warn(
                    "bridge: {} from {} refused: {}",
                    BoundedInput.printable(type),
                    socket.remoteAddress(),
                    rawToken == null ? "no token" : "unknown token");
            audit.refused(
                    null,
                    address,
                    frame.getValue("body"),
                    BusCodes.UNAUTHORIZED,
                    rawToken == null ? "no token" : "unknown token");
            if (replyAddress != null) {
                write(Frames.failure(
                        address, replyAddress, BusCodes.UNAUTHORIZED, "RECIPIENT_FAILURE", "not_authorised"));
            }
            closeWith("not_authorised");
            return;
        }
        authenticated = true;
        if (caller == null) {
            if (!limits.admitClient(client.get())) {
                LOG.warn(
                        "bridge: refused client '{}' from {}: it holds its share of connections already "
                                + "(bridge.maxConnectionsPerToken)",
                        client.get().name(),
                        socket.remoteAddress());
                if (replyAddress != null) {
                    write(Frames.failure(
                            address,
                            replyAddress,
                            BusCodes.UNAVAILABLE,
                            "RECIPIENT_FAILURE",
                            "too_many_connections_for_token"));
                }
                closeWith("too_many_connections_for_token");
                return;
            }
            holdsClientSlot = true;
            caller = client.get();
            token = (String) rawToken;
        }
        if (type == null || !KNOWN_TYPES.contains(type)) {
            // The type first: a frame of a mistyped kind is not "missing an address" (a client author debugging
            // their frames needs to see which one it was).
            write(Frames.error("unknown_type: " + shownType(frame.getValue("type"))
                    + " (expected send, register, unregister or ping)"));
            return;
        }
        if (address == null) {
            write(Frames.error("missing_address: a " + shownType(type) + " frame needs an address"));
            return;
        }
        switch (type) {
            case "send" -> send(client.get(), address, replyAddress, frame.getValue("body"), headers);
            case "register" -> register(client.get(), address);
            case "unregister" -> unregister(address);
            default -> publish(client.get(), address, frame.getValue("body"));
        }
    }

    /**
     * A {@code publish} frame: refused whatever the token, since only the agent publishes events, and, as every refusal
     * of authorisation, logged, audited and counted towards {@link #MAX_REFUSALS} (it was answered without a word in
     * the log or the audit).
     */
    private void publish(BridgeCaller client, String address, Object body) {
        logRefusal(
                client,
                "publishing on ",
                address,
                ": only the agent publishes events",
                body,
                "publishing refused: only the agent publishes");
        write(Frames.error("access_denied"));
        refused();
    }

    /**
     * A frame's type as a refusal quotes it: a string bounded and printable in quotes, any other JSON value as it
     * came with what it is ({@code 5 (a number, not a string)}), or "untyped" when it has none.
     */
    private static String shownType(Object type) {
        if (type == null) {
            return "untyped";
        }
        if (type instanceof String s) {
            return "'" + BoundedInput.shown(BoundedInput.printable(s)) + "'";
        }
        String kind = type instanceof Number ? "a number" : type instanceof Boolean ? "a boolean" : "not text";
        return BoundedInput.shown(BoundedInput.printable(String.valueOf(type))) + " (" + kind + ", not a string)";
    }

    private void send(BridgeCaller client, String address, String replyAddress, Object body, JsonObject headers) {
        Optional<Role> needed = access.sendRole(client, address);
        if (needed.isEmpty() || !client.role().covers(needed.get())) {
            logRefusal(
                    client,
                    "on ",
                    address,
                    "",
                    body,
                    needed.isEmpty()
                            ? "not reachable over the bridge"
                            : "needs role " + needed.get().id() + ", token has "
                                    + client.role().id());
            String why =
                    needed.isEmpty() ? access.unreachable(client, address) : access.forbidden(address, needed.get());
            // Authorisation comes first, with or without a replyAddress: a send the role may not make is refused 403
            // in the same words either way (it was a bare "access_denied" without one, where the address's own
            // "replyAddress: required" frame has a code and says why).
            write(
                    replyAddress != null
                            ? Frames.failure(address, replyAddress, BusCodes.FORBIDDEN, "RECIPIENT_FAILURE", why)
                            : Frames.oneWayFailure(address, BusCodes.FORBIDDEN, why));
            refused();
            return;
        }
        if (replyAddress == null && !access.oneWay(address)) {
            // The address answers every request: sent one way, the work would be done with nobody to hear how it
            // went, and, with no reply to wait for, outside MAX_IN_FLIGHT, so a client could queue it without bound.
            write(Frames.oneWayFailure(
                    address, BusCodes.BAD_REQUEST, "replyAddress: required: " + address + " answers every request"));
            return;
        }
        DeliveryOptions options = new DeliveryOptions()
                .setSendTimeout(config.requestTimeoutSeconds() * 1000L)
                .addHeader(BridgeCaller.HEADER_CLIENT, client.name())
                .addHeader(BridgeCaller.HEADER_ROLE, client.role().id());
        if (client.isAgent()) {
            options.addHeader(BridgeCaller.HEADER_AGENT, client.agentId());
        }
        options.addHeader(BridgeCaller.HEADER_CONNECTION, connectionId);
        headers.forEach(e -> {
            // Who the client is comes from its credential only: it cannot set these headers itself.
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!RESERVED_HEADERS.contains(name) && e.getValue() instanceof String v) {
                options.addHeader(e.getKey(), v);
            }
        });
        // Every request that needs the admin role is an admin action: recorded with its outcome (docs/audit.md).
        boolean admin = needed.get() == Role.ADMIN;
        if (!admin && body instanceof JsonObject && access.servedHere(address)) {
            // The body was decoded from this frame for this request alone and its consumer is in this process: handed
            // over as it is. (An admin request's body is read again for its audit record, so it goes as a copy.)
            options.setLocalOnly(true).setCodecName(SameProcessJson.NAME);
        }
        if (replyAddress == null) {
            vertx.eventBus().send(address, body, options);
            if (admin) {
                audit.done(client.name(), address, body, null);
            }
            return;
        }
        boolean deflate = Frames.DEFLATE.equals(headers.getValue(Frames.ACCEPT_ENCODING));
        inFlight++;
        vertx.eventBus().request(address, body, options).onComplete(ar -> {
            inFlight--;
            applyBackPressure();
            if (admin || BridgeAudit.refusal(ar)) {
                audit.done(client.name(), address, body, ar);
            }
            if (ar.succeeded()) {
                write(Frames.reply(replyAddress, ar.result().body(), deflate));
            } else if (ar.cause() instanceof ReplyException re) {
                int code = switch (re.failureType()) {
                    case TIMEOUT -> BusCodes.TIMEOUT;
                    case NO_HANDLERS -> BusCodes.UNAVAILABLE;
                    default -> re.failureCode();
                };
                write(Frames.failure(
                        address, replyAddress, code, re.failureType().name(), re.getMessage()));
            } else {
                write(Frames.failure(address, replyAddress, BusCodes.INTERNAL, "RECIPIENT_FAILURE", "internal error"));
            }
        });
    }

    private void register(BridgeCaller client, String address) {
        Optional<String> notServed = access.notServed(client, address);
        if (notServed.isPresent()) {
            // Allowed, but nothing would ever arrive (ctl --hub HUB watch): said at once rather than left to hang.
            write(new JsonObject()
                    .put("type", "err")
                    .put("address", address)
                    .put("failureCode", BusCodes.NOT_FOUND)
                    .put("message", notServed.get()));
            return;
        }
        if (!access.mayRegister(client, address) || !client.role().covers(Role.READ)) {
            logRefusal(client, "registration on ", address, "", null, "registration refused");
            if (client.isAgent()) {
                // An enrolled agent asking to hear another agent's commands (docs/fleet.md, "Agent identity"): its
                // own link never does, so the connection is not one to keep talking to.
                closeWith("access_denied");
            } else {
                write(Frames.error("access_denied"));
                refused();
            }
            return;
        }
        if (!registrations.add(address)) {
            write(new JsonObject().put("type", "registered").put("address", address));
            return;
        }
        // A client hears what this process publishes: a local consumer, shared by this server instance's connections
        // (BridgeSubscriptions). On a clustered hub a consumer of the cluster would also write a subscription to the
        // cluster's map for every agent's two addresses (a map operation, a copy on the other member) when it
        // connects, and remove it when it goes, though a hub only ever publishes agent addresses locally and relays
        // commands to the other hubs itself (FleetHub).
        // An extension of the stock protocol: tells the client its registration is live, so no event is missed.
        subscriptions
                .add(address, this)
                .onSuccess(v -> write(new JsonObject().put("type", "registered").put("address", address)));
    }

    /**
     * Writes a message frame to this client, encoded once for every connection of its instance that registered the
     * address; unless its credential was revoked since, or it does not read what it is sent.
     */
    void deliver(String address, Buffer frame) {
        if (closed) {
            return;
        }
        if (closedIfRevoked()) {
            // The credential was revoked (or re-issued) since: this connection hears nothing more.
            return;
        }
        if (socket.writeQueueFull()) {
            // A client that does not read its events must not make the agent hold them without bound.
            LOG.warn("bridge: client '{}' does not keep up with {}; closing", caller.name(), address);
            abort();
            return;
        }
        socket.write(frame);
    }

    private void unregister(String address) {
        if (registrations.remove(address)) {
            subscriptions.remove(address, this);
        } else {
            write(Frames.error("unknown_address"));
        }
    }

    private void write(JsonObject frame) {
        write(Frames.encode(frame));
    }

    private void write(Buffer frame) {
        if (!closed) {
            socket.write(frame);
        }
    }

    /**
     * Logs a refusal of authorisation ({@code refused <what><address><tail>}) and audits it with {@code why}: the one
     * way every refused publish, send and registration is recorded (audit.md).
     */
    private void logRefusal(BridgeCaller client, String what, String address, String tail, Object body, String why) {
        LOG.warn(
                "bridge: client '{}' ({}) from {} refused {}{}{}",
                client.name(),
                client.role().id(),
                socket.remoteAddress(),
                what,
                BoundedInput.printable(address),
                tail);
        audit.refused(client.name(), address, body, BusCodes.FORBIDDEN, why);
    }

    /** Counts a refusal for the client's role, and closes the connection at the {@link #MAX_REFUSALS}th. */
    private void refused() {
        if (++refusals >= MAX_REFUSALS) {
            LOG.warn("bridge: closing {}: {} requests refused on one connection", socket.remoteAddress(), refusals);
            closeWith("too_many_refusals: " + refusals + " requests refused on this connection");
        }
    }

    private void closeWith(String message) {
        write(Frames.error(message));
        close();
    }

    private void close() {
        if (!closed) {
            closed = true;
            cleanUp();
            socket.end();
        }
    }

    /**
     * Closes at once, dropping what the client has not read: for a client that does not read. An error frame would
     * wait behind everything before it, and Vert.x's {@code close()} and {@code end()} both close the channel only
     * once everything queued is written, which a client that does not read never lets happen: the connection, its slot
     * and its unread frames were held until the client went away. Closing from Vert.x's place in the channel's pipeline
     * passes Vert.x by: Netty's TLS handler gets a few seconds to send its close notice, then the socket is closed.
     */
    private void abort() {
        if (!closed) {
            cleanUp();
            if (socket instanceof NetSocketInternal internal) {
                internal.channelHandlerContext().close();
            } else {
                socket.close();
            }
        }
    }

    private void cleanUp() {
        closed = true;
        if (holdsClientSlot) {
            holdsClientSlot = false;
            limits.releaseClient(caller);
        }
        registrations.forEach(address -> subscriptions.remove(address, this));
        registrations.clear();
    }
}
