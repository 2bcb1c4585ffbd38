package org.kmsagent.agent.link;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.bridge.FrameDecoder;
import org.kmsagent.agent.bus.bridge.Frames;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.core.BoundedInput;

/**
 * One agent's connection to one hub's TLS bridge, non-blocking (the bridge's framing over a Vert.x {@link NetSocket}):
 * requests with replies, one-way sends, and registrations whose messages go to a handler. Every frame carries the
 * token (the bridge checks each). Used on one event loop only.
 */
public final class HubConnection {
    /** Largest frame accepted from a hub (a routed command is small; a reply to one is the agent's). */
    private static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    /**
     * A port that is no bridge's: a dashboard speaks TLS with the hub's certificate, so it passes the pinned
     * fingerprint and fails only at the first frame.
     */
    static final String NOT_A_BRIDGE_HINT = ": is it the hub's bridge port? fleet.hubs names each hub's"
            + " bridge.port (7688 by default), not its dashboard.port (7689), a metrics port or another web port";

    private final Vertx vertx;
    private final NetSocket socket;
    private final String token;
    private final FrameDecoder decoder = new FrameDecoder(MAX_FRAME_BYTES);
    private final Map<String, Promise<JsonObject>> waiting = new HashMap<>();
    private final Map<String, Promise<Void>> registering = new HashMap<>();
    private final Promise<Void> closed = Promise.promise();
    /** The first ping's answer, while waited for ({@link #ping}). */
    private Promise<Void> pinging;
    /** Why the connection is gone, once it is. */
    private String closedWhy;

    private Consumer<JsonObject> messages = m -> {};
    private long next;
    private long framesReceived;

    private HubConnection(Vertx vertx, NetSocket socket, String token) {
        this.vertx = vertx;
        this.socket = socket;
        this.token = token;
        socket.handler(this::received);
        socket.closeHandler(v -> shut(
                framesReceived == 0
                        ? "the hub closed the connection before answering anything" + NOT_A_BRIDGE_HINT
                        : "the hub closed the connection"));
        socket.exceptionHandler(t -> socket.close());
    }

    /** Connects and completes the TLS handshake (trust is in the client's options). */
    public static Future<HubConnection> connect(Vertx vertx, NetClient client, String host, int port, String token) {
        return client.connect(port, host).map(s -> new HubConnection(vertx, s, token));
    }

    /** Where messages on registered addresses go: the whole frame ({@code address}, {@code body}). */
    public void onMessage(Consumer<JsonObject> handler) {
        this.messages = handler;
    }

    /** Completes when the connection is gone, for whatever reason. */
    public Future<Void> closed() {
        return closed.future();
    }

    /** Whether the connection is gone. */
    public boolean isClosed() {
        return closed.future().isComplete();
    }

    /**
     * How many frames the hub has sent on this connection so far, replies that came too late included: a caller whose
     * request timed out can tell a hub that is slow (still sending) from one that has gone silent.
     */
    public long framesReceived() {
        return framesReceived;
    }

    /** Sends a request; fails with a {@link ReplyException} carrying the hub's failure code, or on timeout. */
    public Future<JsonObject> request(String address, JsonObject body, long timeoutMs) {
        if (closedWhy != null) {
            return Future.failedFuture(closedFailure());
        }
        String reply = "agent.reply." + next++;
        Promise<JsonObject> p = Promise.promise();
        waiting.put(reply, p);
        long timer = vertx.setTimer(timeoutMs, t -> {
            if (waiting.remove(reply) != null) {
                p.tryFail(new ReplyException(
                        ReplyFailure.TIMEOUT, BusCodes.TIMEOUT, address + ": no reply within " + timeoutMs + " ms"));
            }
        });
        sendFrame(address, reply, body);
        return p.future().andThen(x -> vertx.cancelTimer(timer));
    }

    /**
     * Sends a request and waits for its reply as long as the connection lasts: a hub that answers late still answers
     * (its bridge answers every request, with a failure code 504 when its own bus gave up). Every {@code checkMs}
     * without a reply, {@code goOn} is asked with the number of checks so far whether to keep waiting; when it says
     * no, the request fails with a {@link ReplyFailure#TIMEOUT} and a late reply is ignored.
     */
    public Future<JsonObject> requestAwaitingReply(String address, JsonObject body, long checkMs, IntPredicate goOn) {
        if (closedWhy != null) {
            return Future.failedFuture(closedFailure());
        }
        String reply = "agent.reply." + next++;
        Promise<JsonObject> p = Promise.promise();
        waiting.put(reply, p);
        int[] checks = {0};
        long timer = vertx.setPeriodic(checkMs, t -> {
            if (!p.future().isComplete() && !goOn.test(++checks[0]) && waiting.remove(reply) != null) {
                p.tryFail(new ReplyException(
                        ReplyFailure.TIMEOUT,
                        BusCodes.TIMEOUT,
                        address + ": no reply within " + checks[0] * checkMs + " ms"));
            }
        });
        sendFrame(address, reply, body);
        return p.future().andThen(x -> vertx.cancelTimer(timer));
    }

    /** The bridge's send frame for a request whose reply comes back on {@code reply}. */
    private void sendFrame(String address, String reply, JsonObject body) {
        write(new JsonObject()
                .put("type", "send")
                .put("address", address)
                .put("replyAddress", reply)
                .put("headers", headers())
                .put("body", body));
    }

    /** Sends without waiting for a reply. */
    public void send(String address, JsonObject body) {
        write(new JsonObject()
                .put("type", "send")
                .put("address", address)
                .put("headers", headers())
                .put("body", body));
    }

    /**
     * Registers on an address; completes when the hub says the registration is live, and fails with a
     * {@link ReplyFailure#TIMEOUT} when it has not within {@code timeoutMs}. A hub's bridge answers a registration at
     * once, even while busy; a port that never answers (a dashboard's, which waits for an HTTP request line, or a hung
     * hub) would otherwise hold the agent on it for good, never trying the next hub.
     */
    public Future<Void> register(String address, long timeoutMs) {
        if (closedWhy != null) {
            return Future.failedFuture(closedFailure());
        }
        Promise<Void> p = Promise.promise();
        registering.put(address, p);
        long timer = vertx.setTimer(timeoutMs, t -> {
            if (registering.remove(address) != null) {
                p.tryFail(new ReplyException(
                        ReplyFailure.TIMEOUT,
                        BusCodes.TIMEOUT,
                        "registration on " + address + ": no answer within " + timeoutMs + " ms"
                                + (framesReceived == 0
                                        ? " (a hub too busy to answer, or no bridge at all)" + NOT_A_BRIDGE_HINT
                                        : "")));
            }
        });
        write(new JsonObject().put("type", "register").put("address", address).put("headers", headers()));
        return p.future().andThen(x -> vertx.cancelTimer(timer));
    }

    /**
     * Waits for the hub's first answer to a {@code ping}, which a bridge sends at once, before any token is checked
     * and however busy it is with requests; fails within {@code timeoutMs} on a port that answers TLS (on the hub's
     * own certificate) but is no bridge's, such as the hub's dashboard, which waits for an HTTP request line the
     * bridge's frames never end. Any frame counts as the answer (a bridge refusing for capacity sends its refusal).
     */
    public Future<Void> ping(long timeoutMs) {
        if (closedWhy != null) {
            return Future.failedFuture(closedFailure());
        }
        if (framesReceived > 0) {
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        pinging = p;
        long timer = vertx.setTimer(
                timeoutMs,
                t -> p.tryFail(new ReplyException(
                        ReplyFailure.TIMEOUT,
                        BusCodes.TIMEOUT,
                        Frames.NOT_A_BRIDGE + " (" + Frames.noPong(timeoutMs) + ")" + NOT_A_BRIDGE_HINT)));
        write(Frames.ping());
        return p.future().andThen(x -> {
            vertx.cancelTimer(timer);
            pinging = null;
        });
    }

    /**
     * Closes the connection from this side (the agent stopping, or giving up on the hub): what was waiting for the hub
     * fails saying so at once, never as if the hub had closed it.
     */
    public Future<Void> close() {
        shut("the agent closed the connection itself");
        return socket.close();
    }

    private JsonObject headers() {
        return new JsonObject().put("token", token);
    }

    private void write(JsonObject frame) {
        if (!closed.future().isComplete()) {
            socket.write(Frames.encode(frame));
        }
    }

    private void received(Buffer data) {
        if (framesReceived == 0 && data.length() >= 5 && data.getString(0, 5).equals("HTTP/")) {
            // A web server's answer to the bridge's binary frame (Vert.x: 400 Bad Request), which the decoder would
            // otherwise read as a frame length of a gigabyte.
            shut("this port answers HTTP, not the bridge's framing" + NOT_A_BRIDGE_HINT);
            socket.close();
            return;
        }
        try {
            for (JsonObject frame : decoder.feed(data)) {
                framesReceived++;
                dispatch(frame); // a refusal shuts the connection first, and fails the ping with it
                if (pinging != null) {
                    pinging.tryComplete();
                }
            }
        } catch (FrameDecoder.FrameException e) {
            shut("bad frame from the hub: " + e.getMessage());
            socket.close();
        }
    }

    private void dispatch(JsonObject frame) {
        String type = frame.getString("type", "");
        String address = frame.getString("address");
        switch (type) {
            case "message" -> {
                Promise<JsonObject> p = address == null ? null : waiting.remove(address);
                if (p != null) {
                    p.tryComplete(frame.getValue("body") instanceof JsonObject b ? b : new JsonObject());
                } else {
                    messages.accept(frame);
                }
            }
            case "registered" -> {
                Promise<Void> p = registering.remove(address);
                if (p != null) {
                    p.tryComplete();
                }
            }
            case "err" -> {
                Promise<JsonObject> p = address == null ? null : waiting.remove(address);
                String message = frame.getString("message", "error");
                if (p != null) {
                    p.tryFail(new ReplyException(
                            ReplyFailure.RECIPIENT_FAILURE,
                            frame.getInteger("failureCode", BusCodes.INTERNAL),
                            message));
                } else {
                    // A connection-level error (refused registration, bad token): nothing can go on over this
                    // connection.
                    shut("the hub refused: " + message + refusalHint(message));
                    socket.close();
                }
            }
            default -> {} // pong and unknown frame types need nothing
        }
    }

    /**
     * What to do when the hub refused this connection's token: the hub's own log names the client it took the token
     * for ("client 'ops' (admin) ... refused registration"), or says "unknown token"; the agent's said only
     * "access_denied" or "not_authorised".
     */
    private String refusalHint(String message) {
        if (message.startsWith("not_authorised")) {
            // The hub knows no credential by this token: never enrolled, mistyped, or revoked or re-issued since
            // (a revoked credential is refused the same way as one the hub never issued, docs/fleet.md).
            String id =
                    FleetConfig.enrolledAgentId(token).map(BoundedInput::shown).orElse("AGENT-ID");
            // A hub that formed a cluster of its own holds none of the fleet's credentials either.
            return " (the hub knows no agent credential by this fleet.token: never enrolled, mistyped, or revoked or"
                    + " replaced since by enrolling the id again, or enrolled on the hubs of another cluster; if this"
                    + " machine belongs in the fleet, enrol it on a hub"
                    + " with 'kms-agent ctl --hub HUB fleet enroll " + id + "' and put the token that command prints in"
                    + " fleet.token)";
        }
        if (!message.startsWith("access_denied")
                || FleetConfig.enrolledAgentId(token).isPresent()) {
            return "";
        }
        return " (fleet.token is not an enrolled agent credential, kma1.<agent id>.…: enrol this agent on a hub with"
                + " 'kms-agent ctl --hub HUB fleet enroll AGENT-ID' and give it that token; an operator's token cannot"
                + " register an agent, and a shared agent token only where the hub's fleet.allowSharedAgentTokens"
                + " allows it)";
    }

    private ReplyException closedFailure() {
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusCodes.INTERNAL, closedWhy);
    }

    private void shut(String why) {
        if (closedWhy == null) {
            closedWhy = why;
            closed.complete();
            ReplyException e = closedFailure();
            waiting.values().forEach(p -> p.tryFail(e));
            registering.values().forEach(p -> p.tryFail(e));
            if (pinging != null) {
                pinging.tryFail(e);
            }
            waiting.clear();
            registering.clear();
        }
    }
}
