package org.kmsagent.agent.link;

import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.Frames;
import org.kmsagent.agent.bus.bridge.PinningTrustManager;
import org.kmsagent.agent.config.CertificateFingerprint;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.core.tls.PemKeyManagers;
import org.kmsagent.agent.fleet.AgentDescription;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's link to the fleet: it dials out to the configured hubs over their TLS bridges (never listens), registers,
 * sends heartbeats, delivers its {@link Outbox} in order, and answers commands hubs route to it. When the hub goes
 * away it tries the next one, with exponential backoff and jitter once every hub has failed, so that a fleet of
 * thousands does not reconnect in step. Events are written to the outbox first, so nothing produced while no hub is
 * reachable is lost; the hub acknowledges by sequence number and drops what it already has.
 *
 * <p>Only a closed or failed connection costs a new connection (and a TLS handshake). A registration or delivery the
 * hub has not answered within the request timeout is waited for on the same connection (the hub's bridge answers every
 * request, late or with a 504 when its own bus gave up on it), since a hub that is slow because it is busy would only
 * get busier if every agent it had not answered in time dialled again, or sent the same request again while the first
 * is still queued. A request the hub answers with 504 is sent again on the same connection, after a wait that doubles
 * per consecutive 504 (see {@link #slowRetryDelay}). The connection is given up only when the hub has sent nothing at
 * all, not even a late reply to anything, during {@link #SILENT_TIMEOUTS} request timeouts in a row.
 *
 * <p>Threading: everything runs on the link's own Vert.x context; outbox writes run as ordered blocking tasks.
 */
public final class FleetLink {
    private static final Logger LOG = LoggerFactory.getLogger(FleetLink.class);
    /** The first reconnection delay; it doubles per failed round up to {@code reconnectMaxSeconds}. */
    static final long FIRST_BACKOFF_MS = 250;
    /** The first wait before a request the hub answered with 504 (it gave up on it) is sent again. */
    static final long FIRST_SLOW_RETRY_MS = 1_000;
    /**
     * Request timeouts in a row during which the hub sent no frame at all, after which the connection is taken for
     * dead (a hub that is only slow still sends late replies and answers to other requests).
     */
    static final int SILENT_TIMEOUTS = 3;

    /** See {@link #registrationTimeoutMs}: twice the longest reconnection storm measured. */
    private static final long REGISTRATION_TIMEOUT_MS = 120_000;

    private static final int BATCH = 100;
    /**
     * A batch stays well under the hubs' default {@code bridge.maxFrameBytes} (64 KiB), which closes the connection
     * on a larger frame; an event alone may not exceed {@link FleetAddresses#MAX_EVENT_BYTES}, so every event can be
     * delivered.
     */
    static final int MAX_BATCH_BYTES = 32 * 1024;

    private final Vertx vertx;
    private final Context context;
    private final Settings settings;
    private final AgentDescription me;
    private final Outbox outbox;
    private final CommandHandler commands;
    private final Supplier<Future<JsonObject>> snapshot;
    private final Clock clock;
    private final NetClient client;
    private HubConnection connection;
    private volatile String hub;
    private int hubIndex;
    private int failures;
    private long heartbeatTimer = -1;
    private long attempt;
    private boolean retrying;
    private boolean flushing;
    /** Events handed to the outbox whose write has not finished yet (on the context, like every field here). */
    private int appending;
    /**
     * Events written since the last batch was taken: a count of its own, since asking the outbox would wait on the
     * write in progress.
     */
    private int unsent;

    private boolean beating;
    private boolean stopped;
    /** Consecutive request timeouts on the current connection during which the hub sent nothing. */
    private int silentTimeouts;

    /**
     * How to reach the hubs.
     *
     * @param hubs {@code host:port} of each hub's bridge, in order of preference
     * @param token the agent token
     * @param clientOptions TLS client options holding the trust ({@link #clientOptions})
     * @param heartbeatMs the heartbeat period
     * @param reconnectMaxMs the longest wait between reconnection rounds
     * @param requestTimeoutMs how long to wait for a hub's reply
     */
    public record Settings(
            List<String> hubs,
            String token,
            NetClientOptions clientOptions,
            long heartbeatMs,
            long reconnectMaxMs,
            long requestTimeoutMs) {
        public Settings {
            hubs = List.copyOf(hubs);
            if (hubs.isEmpty()) {
                throw new IllegalArgumentException("fleet.hubs: at least one hub is needed");
            }
        }

        /** Settings from the configuration. */
        public static Settings of(FleetConfig c) {
            return new Settings(
                    c.hubs(),
                    c.token(),
                    FleetLink.clientOptions(c.trust(), c.caFile()),
                    c.heartbeatSeconds() * 1000L,
                    c.reconnectMaxSeconds() * 1000L,
                    30_000);
        }
    }

    /**
     * TLS client options trusting the pinned fingerprints, or the CA file (with host-name verification).
     *
     * @param fingerprints in the printed form, as {@link FleetConfig#trust} holds them once the configuration is read
     *     (or {@link CertificateFingerprint#of} gives them for a certificate)
     */
    public static NetClientOptions clientOptions(List<String> fingerprints, String caFile) {
        // A hub working through a reconnection storm may take longer than Vert.x's default 10 s to finish a
        // handshake; giving up on it throws away both sides' work and starts another (docs/fleet.md,
        // SlowHandshakeIT).
        NetClientOptions o = new NetClientOptions()
                .setSsl(true)
                .setConnectTimeout(5_000)
                .setSslHandshakeTimeout(AgentBridge.HANDSHAKE_TIMEOUT_SECONDS);
        if (!fingerprints.isEmpty()) {
            o.setTrustOptions(TrustOptions.wrap(new PinningTrustManager(fingerprints, "hub", "one of fleet.trust")))
                    .setHostnameVerificationAlgorithm("");
        } else {
            // Read by the reader the configuration's check uses (PemKeyManagers), so that a file the check accepts is
            // one the link can use; read once, here, rather than at each dial.
            o.setTrustOptions(TrustOptions.wrap(PemKeyManagers.trustManager(Path.of(caFile))))
                    .setHostnameVerificationAlgorithm("HTTPS");
        }
        return o;
    }

    /**
     * @param snapshot the agent's current products and host model, as {@code {products, host}}, sent at each
     *     registration
     */
    public FleetLink(
            Vertx vertx,
            Settings settings,
            AgentDescription me,
            Outbox outbox,
            CommandHandler commands,
            Supplier<Future<JsonObject>> snapshot,
            Clock clock) {
        if (!outbox.owner().equals(me.agentId())) {
            // Its events would reach the hubs as this agent's (dedup by agent id and seq): another agent's history.
            throw new IllegalArgumentException("the fleet outbox is agent " + outbox.owner() + "'s, not agent "
                    + me.agentId() + "'s: its events cannot be delivered as " + me.agentId() + "'s");
        }
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.settings = settings;
        this.me = me;
        this.outbox = outbox;
        this.commands = commands;
        this.snapshot = snapshot;
        this.clock = clock;
        this.client = vertx.createNetClient(settings.clientOptions());
        warmUpTls();
    }

    /**
     * Initialises the JDK's TLS provider on the calling thread: done lazily at the first connection instead, it takes
     * seconds on a slow machine and would block the event loop (Vert.x then logs blocked-thread warnings).
     */
    private static void warmUpTls() {
        try {
            SSLContext.getDefault().createSSLEngine().getSupportedCipherSuites();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no TLS", e);
        }
    }

    /** Starts dialling out. */
    public void start() {
        context.runOnContext(v -> dial());
    }

    /**
     * Records an event for the fleet: durably in the outbox first, then delivered when a hub is connected.
     *
     * @return the event's sequence number, once it is on disk; failed with an {@link IllegalArgumentException} for an
     *     event larger than {@link FleetAddresses#MAX_EVENT_BYTES}, which is not recorded
     */
    public Future<Long> publish(String type, Object data) {
        Promise<Long> p = Promise.promise();
        context.runOnContext(v -> {
            appending++;
            context.<JsonObject>executeBlocking(
                            () -> outbox.append(type, clock.instant().toString(), data), true)
                    .onComplete(ar -> {
                        appending--;
                        if (ar.succeeded()) {
                            unsent++;
                        }
                        // Events written together go out together: a renewal's events, or a burst after a long
                        // offline spell, make one batch once the last of them is on disk, not a batch of the first
                        // and another of the rest (the hub's work is per batch). A full batch goes at once.
                        if (appending == 0 || unsent >= BATCH) {
                            flush();
                        }
                    })
                    .map(e -> e.getLong("seq"))
                    .onComplete(p);
        });
        return p.future();
    }

    /** The context the link's state lives on (tests publish from it, as the agent's own events are published). */
    Context context() {
        return context;
    }

    /** The hub this agent is registered with now, if any. */
    public Optional<String> hub() {
        return Optional.ofNullable(hub);
    }

    /** Events not yet acknowledged by a hub. */
    public int pending() {
        return outbox.size();
    }

    /** Stops: closes the connection and dials no more. */
    public Future<Void> stop() {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            stopped = true;
            vertx.cancelTimer(heartbeatTimer);
            Future<Void> closing = connection == null ? Future.succeededFuture() : connection.close();
            closing.eventually(client::close).onComplete(p);
        });
        return p.future();
    }

    private void dial() {
        if (stopped) {
            return;
        }
        retrying = false;
        long mine = ++attempt;
        String target = settings.hubs().get(hubIndex);
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) { // [v6]:port, as fleet.hubs allows (HostPort)
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(target.substring(colon + 1));
        HubConnection.connect(vertx, client, host, port, settings.token())
                .compose(c -> {
                    connection = c;
                    silentTimeouts = 0;
                    c.onMessage(this::command);
                    c.closed().onComplete(x -> lost(c, target));
                    // Read before the snapshot is taken: state refreshes numbered up to here are older than the
                    // snapshot.
                    long written = outbox.written();
                    // A bridge answers a ping at once, however busy: a port that answers TLS but not the ping (the
                    // hub's dashboard) is left within seconds, not after the registration's generous deadline. Sent
                    // with the registrations, not before them: a reconnection storm pays no extra round trip.
                    return Future.all(
                                    c.ping(firstAnswerMs()),
                                    c.register(FleetAddresses.ALL_AGENTS, registrationTimeoutMs()),
                                    c.register(FleetAddresses.agent(me.agentId()), registrationTimeoutMs()))
                            .compose(x -> snapshot.get().recover(t -> Future.succeededFuture(new JsonObject())))
                            .compose(snap -> patiently(
                                    c,
                                    FleetAddresses.REGISTER,
                                    me.toJson().mergeIn(snap).put("writtenSeq", written)))
                            .map(reply -> reply.getLong("lastSeq", 0L));
                })
                .compose(lastSeq -> context.executeBlocking(
                        () -> {
                            outbox.registered(lastSeq);
                            return lastSeq;
                        },
                        true))
                .onSuccess(lastSeq -> {
                    if (stopped) {
                        connection.close();
                        return;
                    }
                    failures = 0;
                    hub = target;
                    LOG.info(
                            "fleet: {} registered with hub {} ({} event(s) to deliver)",
                            me.agentId(),
                            target,
                            outbox.size());
                    heartbeatTimer = vertx.setPeriodic(settings.heartbeatMs(), t -> heartbeat());
                    flush();
                })
                .onFailure(t -> {
                    if (mine != attempt) {
                        return; // a later attempt is already under way
                    }
                    if (stopped) {
                        // The agent stopping closed the connection: nothing the hub did, nothing to report.
                        LOG.debug("fleet: {} stopped before hub {} answered: {}", me.agentId(), target, reason(t));
                        if (connection != null) {
                            connection.close();
                        }
                        return;
                    }
                    LOG.warn("fleet: {} cannot use hub {}: {}", me.agentId(), target, reason(t));
                    if (connection != null) {
                        connection.close(); // its close handler retries
                    } else {
                        retry();
                    }
                });
    }

    /**
     * How long a registration may go unanswered before the hub is left for the next: a hub's bridge answers one at
     * once, but one working through a reconnection storm (35–60 s, docs/fleet.md) answers late, and leaving it then
     * would move its agents on to the next hub's storm. Never less than the request timeout.
     */
    private long registrationTimeoutMs() {
        return Math.max(settings.requestTimeoutMs(), REGISTRATION_TIMEOUT_MS);
    }

    /**
     * How long the hub's answer to the first ping may take: {@link Frames#FIRST_ANSWER}, as {@code kms-agent ctl}
     * waits, or the request timeout when shorter.
     */
    private long firstAnswerMs() {
        return Math.min(settings.requestTimeoutMs(), Frames.FIRST_ANSWER.toMillis());
    }

    private void lost(HubConnection c, String target) {
        if (c != connection) {
            return;
        }
        connection = null;
        if (hub != null) {
            LOG.warn("fleet: {} lost hub {}", me.agentId(), target);
        }
        hub = null;
        flushing = false;
        beating = false;
        vertx.cancelTimer(heartbeatTimer);
        retry();
    }

    private void retry() {
        if (stopped || retrying) {
            return;
        }
        retrying = true;
        hubIndex = (hubIndex + 1) % settings.hubs().size();
        failures++;
        vertx.setTimer(backoff(failures, settings.hubs().size(), settings.reconnectMaxMs()), t -> dial());
    }

    /**
     * Why a dial failed, as the log says it. A failed TLS handshake arrives as Vert.x's bare "Failed to create SSL
     * connection"; what the operator needs (the hub's fingerprint is not one of fleet.trust, the CA does not know it) is
     * the message of its root cause.
     */
    static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof NotSslRecordException) {
            // A plain-text answer (a metrics port's HTTP 400), which Netty reports as the bytes in hex.
            return Frames.NOT_TLS + HubConnection.NOT_A_BRIDGE_HINT;
        }
        return t instanceof SSLException && root != t && root.getMessage() != null
                ? root.getMessage()
                : AddressText.connectFailure(t);
    }

    /**
     * The wait before attempt {@code failures}: the next hub is tried at once (a few ms of jitter) while a round over
     * the hubs is not finished; after each full round without success the wait doubles, up to the maximum, and is
     * drawn between half of it and all of it.
     */
    static long backoff(int failures, int hubs, long maxMs) {
        int rounds = (failures - 1) / hubs;
        if (failures % hubs != 0 && rounds == 0) {
            return 1 + ThreadLocalRandom.current().nextLong(50);
        }
        long ceiling = Math.min(maxMs, FIRST_BACKOFF_MS << Math.min(20, rounds));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /**
     * The wait before a request the hub answered with 504 (it gave up on it) is sent again, for the {@code n}th such
     * answer in a row: doubling from {@link #FIRST_SLOW_RETRY_MS} up to the maximum, drawn between half of it and all
     * of it so that the agents a busy hub gave up on do not all come back at once.
     */
    static long slowRetryDelay(int n, long maxMs) {
        long ceiling = Math.max(2, Math.min(maxMs, FIRST_SLOW_RETRY_MS << Math.min(20, Math.max(0, n - 1))));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /** Whether a failed request only says the hub was slow: no reply in time, from the hub's bus or from ours. */
    static boolean slow(Throwable t) {
        return t instanceof ReplyException re && re.failureCode() == BusCodes.TIMEOUT;
    }

    /** Whether the hub answered that it gave up on the request (its bus timed out: 504): sending it again may work. */
    static boolean gaveUp(Throwable t) {
        return slow(t) && ((ReplyException) t).failureType() != ReplyFailure.TIMEOUT;
    }

    /**
     * Counts a request timeout; true when the hub has now been silent (no frame since {@code heardBefore}) for
     * {@link #SILENT_TIMEOUTS} timeouts in a row, so the connection should be given up.
     */
    private boolean silentTooLong(HubConnection c, long heardBefore) {
        if (c.framesReceived() != heardBefore) {
            silentTimeouts = 0;
            return false;
        }
        return ++silentTimeouts >= SILENT_TIMEOUTS;
    }

    /**
     * A request whose reply is waited for as long as the hub shows it is alive (it sent some frame during each request
     * timeout), and that is sent again on the same connection, after {@link #slowRetryDelay}, each time the hub answers
     * it with 504 (the hub's handlers are idempotent: it drops events it already has and registering again overwrites
     * the record); fails on any other failure, when the connection is gone, or when the hub has gone silent.
     */
    private Future<JsonObject> patiently(HubConnection c, String address, JsonObject body) {
        Promise<JsonObject> result = Promise.promise();
        patiently(c, address, body, 0, result);
        return result.future();
    }

    private void patiently(
            HubConnection c, String address, JsonObject body, int slowSoFar, Promise<JsonObject> result) {
        if (stopped || c.isClosed()) {
            result.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusCodes.INTERNAL, "connection closed"));
            return;
        }
        long[] heard = {c.framesReceived()};
        c.requestAwaitingReply(address, body, settings.requestTimeoutMs(), checks -> {
                    if (checks == 1) {
                        LOG.info(
                                "fleet: {} has not answered {} within {} ms; waiting on the same connection",
                                target(c),
                                address,
                                settings.requestTimeoutMs());
                    }
                    boolean silent = silentTooLong(c, heard[0]);
                    heard[0] = c.framesReceived();
                    return !silent;
                })
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        silentTimeouts = 0;
                        result.complete(ar.result());
                        return;
                    }
                    if (!gaveUp(ar.cause()) || c.isClosed()) {
                        result.fail(
                                slow(ar.cause())
                                        ? new ReplyException(
                                                ReplyFailure.TIMEOUT,
                                                BusCodes.TIMEOUT,
                                                "the hub sent nothing during " + SILENT_TIMEOUTS + " request timeouts")
                                        : ar.cause());
                        return;
                    }
                    long wait = slowRetryDelay(slowSoFar + 1, settings.reconnectMaxMs());
                    LOG.info(
                            "fleet: {} gave up on {} ({}); sending it again on the same connection in {} ms",
                            target(c),
                            address,
                            ar.cause().getMessage(),
                            wait);
                    vertx.setTimer(wait, t -> patiently(c, address, body, slowSoFar + 1, result));
                });
    }

    private String target(HubConnection c) {
        String h = hub;
        return c == connection && h != null ? "hub " + h : "the hub";
    }

    private void heartbeat() {
        HubConnection c = connection;
        if (c == null || hub == null || beating) {
            return; // a heartbeat the hub has not answered yet is not followed by another
        }
        beating = true;
        long heard = c.framesReceived();
        c.request(FleetAddresses.HEARTBEAT, new JsonObject().put("agentId", me.agentId()), settings.requestTimeoutMs())
                .onComplete(ar -> {
                    if (c != connection) {
                        return;
                    }
                    beating = false;
                    if (ar.succeeded()) {
                        silentTimeouts = 0;
                    } else if (!slow(ar.cause()) || silentTooLong(c, heard)) {
                        LOG.warn(
                                "fleet: heartbeat to {} failed ({}); reconnecting",
                                hub,
                                ar.cause().getMessage());
                        c.close();
                    }
                });
    }

    private void flush() {
        HubConnection c = connection;
        if (c == null || hub == null || flushing || outbox.size() == 0) {
            return;
        }
        flushing = true;
        unsent = 0;
        List<JsonObject> batch = outbox.batch(BATCH, MAX_BATCH_BYTES);
        patiently(
                        c,
                        FleetAddresses.EVENTS,
                        new JsonObject().put("agentId", me.agentId()).put("events", new JsonArray(batch)))
                .compose(reply -> context.executeBlocking(
                        () -> {
                            outbox.acknowledge(reply.getLong("acked"));
                            return reply;
                        },
                        true))
                .onComplete(ar -> {
                    if (c != connection) {
                        return;
                    }
                    flushing = false;
                    if (ar.succeeded()) {
                        flush();
                    } else {
                        LOG.warn(
                                "fleet: delivering events to {} failed ({}); reconnecting",
                                hub,
                                ar.cause().getMessage());
                        c.close();
                    }
                });
    }

    private void command(JsonObject frame) {
        if (!(frame.getValue("body") instanceof JsonObject cmd)) {
            return;
        }
        String requestId = cmd.getString("requestId");
        String replyTo = cmd.getString("replyTo");
        String address = cmd.getString("address");
        if (requestId == null
                || replyTo == null
                || address == null
                || !replyTo.startsWith(FleetAddresses.REPLY_PREFIX)) {
            return;
        }
        JsonObject body = cmd.getValue("body") instanceof JsonObject b ? b : new JsonObject();
        Future<JsonObject> result;
        try {
            result = commands.handle(
                    address,
                    body,
                    new CommandHandler.Asker(
                            cmd.getValue("requestedBy") instanceof String by ? by : null,
                            cmd.getValue("askedAt") instanceof String hub ? hub : null));
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        HubConnection c = connection;
        result.onComplete(ar -> {
            JsonObject answer = new JsonObject().put("requestId", requestId).put("agentId", me.agentId());
            if (ar.succeeded()) {
                answer.put("ok", true).put("reply", ar.result());
            } else {
                int code = ar.cause() instanceof ReplyException re ? re.failureCode() : BusCodes.INTERNAL;
                answer.put("ok", false)
                        .put("code", code)
                        .put("message", ar.cause().getMessage());
            }
            if (c != null) {
                c.send(replyTo, answer);
            }
        });
    }
}
