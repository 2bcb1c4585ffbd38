package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.kmsagent.agent.bus.bridge.Frames;

/**
 * A blocking client of the agent's TLS bridge: the 4-byte-length + JSON framing over an {@link SSLSocket}. One
 * request at a time; not thread-safe. The token goes in every frame's headers (the bridge checks each frame).
 */
public final class BridgeClient implements AutoCloseable {
    /** Largest frame the client accepts from the agent. */
    private static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;
    /**
     * Largest reply the client accepts once inflated: a hub's report of a fan-out to 100,000 agents (a few hundred bytes an
     * answer), which comes deflated to a fraction of it.
     */
    private static final int MAX_INFLATED_BYTES = 64 * 1024 * 1024;

    private final SSLSocket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String token;
    /** What is connected to, as messages name it: "agent" or "hub". */
    private final String peer;
    /** Frames read while waiting for the first pong, for the reads that follow. */
    private final ArrayDeque<JsonObject> pending = new ArrayDeque<>();

    private long nextReply;
    /** Answers requests in place of the connection while set (ctl's routing through a hub, {@link FleetRouting}). */
    private Requests routing;

    /** Something that answers a request as the agent would. */
    @FunctionalInterface
    interface Requests {
        JsonObject request(String address, JsonObject body) throws BridgeFailure, IOException;
    }

    /** Sends requests through {@code routing} instead of the connection, or directly again with null. */
    void route(Requests routing) {
        this.routing = routing;
    }

    private BridgeClient(SSLSocket socket, String token, String peer) throws IOException {
        this.socket = socket;
        this.peer = peer;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
        this.token = token;
    }

    /**
     * Connects and completes the TLS handshake.
     *
     * @param token the client's token, or null to connect anonymously
     * @param timeout connect and read timeout
     * @throws IOException cannot connect, or the agent's certificate is not trusted
     */
    public static BridgeClient connect(String host, int port, ServerTrust trust, String token, Duration timeout)
            throws IOException {
        return connect(host, port, trust, null, token, timeout);
    }

    /**
     * Connects presenting a client certificate (for agents that require mutual TLS).
     *
     * @param identity the client certificate, or null for none
     */
    public static BridgeClient connect(
            String host, int port, ServerTrust trust, ClientIdentity identity, String token, Duration timeout)
            throws IOException {
        return open(host, port, trust, identity, token, timeout, "agent", false);
    }

    /**
     * Connects as {@code kms-agent ctl} does, and checks that a bridge answers: the TLS handshake and the answer to a
     * first {@code ping} each get at most {@link #FIRST_ANSWER}, however long {@code timeout} is. A port that is not a
     * bridge's (a dashboard speaks TLS but waits for HTTP; a cluster port never finishes a TLS handshake) then fails in
     * seconds, saying so, instead of after the whole reply timeout.
     *
     * @param peer what is connected to, as messages name it: "agent" or "hub"
     * @throws NotABridge something answered on the port, but not as a kms-agent bridge
     */
    public static BridgeClient connect(
            String host,
            int port,
            ServerTrust trust,
            ClientIdentity identity,
            String token,
            Duration timeout,
            String peer)
            throws IOException {
        return open(host, port, trust, identity, token, timeout, peer, true);
    }

    /** How long a TLS handshake, and a bridge's answer to the first ping, may take before ctl gives up on the port. */
    static final Duration FIRST_ANSWER = Frames.FIRST_ANSWER;

    /** Something answered on the port, but not as a kms-agent bridge: the message says what was seen. */
    public static final class NotABridge extends IOException {
        private static final long serialVersionUID = 1L;

        NotABridge(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static BridgeClient open(
            String host,
            int port,
            ServerTrust trust,
            ClientIdentity identity,
            String token,
            Duration timeout,
            String peer,
            boolean probe)
            throws IOException {
        SSLSocket socket;
        try {
            socket = (SSLSocket) trust.context(identity == null ? null : identity.keyManagers())
                    .getSocketFactory()
                    .createSocket();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
        int timeoutMs = (int) timeout.toMillis();
        int firstMs = probe ? (int) Math.min(timeoutMs, FIRST_ANSWER.toMillis()) : timeoutMs;
        String seconds = firstMs % 1000 == 0 ? firstMs / 1000 + " s" : firstMs + " ms";
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(firstMs);
            trust.configure(socket);
            try {
                socket.startHandshake();
            } catch (SocketTimeoutException e) {
                if (!probe) {
                    throw e;
                }
                throw new NotABridge(
                        "answered, but did not finish a TLS handshake within " + seconds + ": not a kms-agent bridge "
                                + "(another service's port?), or one too busy to answer; the " + peer
                                + "'s bridge is the port it prints as 'bridge listening on'",
                        e);
            } catch (SSLException e) {
                if (probe && String.valueOf(e.getMessage()).contains("nrecognized SSL message")) {
                    throw new NotABridge(
                            Frames.NOT_TLS + " (is it a metrics port?); the " + peer
                                    + "'s bridge is the port it prints as 'bridge listening on'",
                            e);
                }
                throw e;
            }
            BridgeClient client = new BridgeClient(socket, token, peer);
            if (probe) {
                client.probe(firstMs);
            }
            socket.setSoTimeout(timeoutMs);
            return client;
        } catch (IOException e) {
            socket.close();
            if (refusedInHandshake(e)) {
                // A bridge with bridge.tls.clientCaFile ends the handshake over a client certificate it does not
                // trust: ctl sees the alert, or only a broken pipe or a closed connection right after.
                throw new IOException(
                        e.getMessage() + "; the " + peer + " may require a client certificate"
                                + (identity == null
                                        ? ": give one with --cert FILE --cert-key FILE"
                                        : " issued by a CA it trusts (bridge.tls.clientCaFile), not the one given"
                                                + " with --cert")
                                + " (see docs/event-bus.md, mutual TLS)",
                        e);
            }
            throw e;
        }
    }

    /**
     * Whether a failure while connecting looks like the server ending the TLS handshake, or the connection right after
     * it: an alert it sent, a broken pipe, a reset or an end of stream (not a timeout, not a refused connection, not
     * this side's refusal of the server's certificate).
     */
    private static boolean refusedInHandshake(IOException e) {
        if (e instanceof NotABridge || e instanceof SocketTimeoutException || e instanceof ConnectException) {
            return false;
        }
        if (e instanceof SSLException) {
            return String.valueOf(e.getMessage()).contains("Received fatal alert");
        }
        String m = String.valueOf(e.getMessage());
        return e instanceof EOFException
                || (e instanceof SocketException && (m.contains("Broken pipe") || m.contains("reset")));
    }

    /**
     * Pings and waits for the bridge's first frame: its pong (a bridge answers a ping before any token is checked), or
     * a refusal for capacity, which is kept for the request that follows to report.
     */
    private void probe(int firstMs) throws IOException {
        String notABridge = Frames.NOT_A_BRIDGE;
        String where = "; the " + peer + "'s bridge is the port it prints as 'bridge listening on'";
        JsonObject frame;
        try {
            write(Frames.ping());
        } catch (IOException e) {
            // A bridge refusing for capacity sends its refusal and closes at once: the ping can find the connection
            // closed with the refusal already received. That refusal is the answer to report.
            try {
                pending.add(Frames.read(in, MAX_REPLY_BYTES));
                return;
            } catch (IOException none) {
                throw e;
            }
        }
        try {
            frame = Frames.read(in, MAX_REPLY_BYTES);
        } catch (SocketTimeoutException e) {
            throw new NotABridge(
                    notABridge + " (" + Frames.noPong(firstMs) + ": is it the dashboard port?)" + where, e);
        } catch (EOFException e) {
            throw new EOFException("the " + peer + " closed the connection");
        } catch (IOException e) {
            throw new NotABridge(notABridge + " (" + e.getMessage() + ")" + where, e);
        }
        if (!"pong".equals(frame.getString("type"))) {
            pending.add(frame); // a bridge's frame all the same: a refusal for capacity, for the request to report
        }
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @return the reply body (an empty object when the agent replied none)
     * @throws BridgeFailure the agent answered with a failure
     * @throws IOException the connection broke
     */
    public JsonObject request(String address, JsonObject body) throws BridgeFailure, IOException {
        if (routing != null) {
            return routing.request(address, body);
        }
        return direct(address, body);
    }

    /** {@link #request} over the connection itself, whatever {@link #route} holds: a routing asking the hub. */
    JsonObject direct(String address, JsonObject body) throws BridgeFailure, IOException {
        refusedAlready(500);
        String replyAddress = "ctl.reply." + nextReply++;
        write(new JsonObject()
                .put("type", "send")
                .put("address", address)
                .put("replyAddress", replyAddress)
                // A large reply (a hub's fan-out report) comes deflated: it is decrypted faster (docs/event-bus.md).
                .put("headers", headers().put(Frames.ACCEPT_ENCODING, Frames.DEFLATE))
                .put("body", body));
        while (true) {
            JsonObject frame = read();
            if ("err".equals(frame.getString("type"))) {
                throw failure(frame, 500);
            }
            if (replyAddress.equals(frame.getString("address"))) {
                Object reply = frame.getValue("body");
                return reply instanceof JsonObject o ? o : new JsonObject();
            }
        }
    }

    /**
     * Throws the refusal the bridge sent before any request (for capacity, read while probing): the connection is
     * closed after it, so writing the request would only fail with a broken pipe.
     */
    private void refusedAlready(int otherwise) throws BridgeFailure {
        JsonObject first = pending.peek();
        if (first != null && "err".equals(first.getString("type"))) {
            pending.poll();
            throw failure(first, otherwise);
        }
    }

    /**
     * The bridge's {@code err} frame as a failure: the code it gives, else 401 for {@code not_authorised}, the
     * capacity code for a refusal for capacity, else {@code otherwise}.
     */
    private static BridgeFailure failure(JsonObject frame, int otherwise) {
        Integer code = frame.getInteger("failureCode");
        String message = frame.getString("message", "error");
        if (code == null && message.startsWith("not_authorised")) {
            code = 401;
        }
        if (code == null && BridgeFailure.isCapacity(message)) {
            code = BridgeFailure.UNAVAILABLE;
        }
        return new BridgeFailure(code == null ? otherwise : code, message);
    }

    /** Registers on an address and waits until the agent says the registration is live. */
    public void register(String address) throws BridgeFailure, IOException {
        if (routing != null) {
            throw new BridgeFailure(400, "registering (watch) cannot be routed through a hub to an agent");
        }
        refusedAlready(403);
        write(new JsonObject().put("type", "register").put("address", address).put("headers", headers()));
        while (true) {
            JsonObject frame = read();
            if ("err".equals(frame.getString("type"))) {
                // A bridge refuses a registration it does not allow (403); a hub says what it is instead (404).
                throw failure(frame, 403);
            }
            if ("registered".equals(frame.getString("type")) && address.equals(frame.getString("address"))) {
                return;
            }
        }
    }

    /** The next message delivered on a registered address; blocks without timeout. */
    public JsonObject nextMessage() throws BridgeFailure, IOException {
        socket.setSoTimeout(0);
        keepAlive();
        while (true) {
            JsonObject frame = read();
            if ("err".equals(frame.getString("type"))) {
                String message = frame.getString("message", "error");
                throw new BridgeFailure(BridgeFailure.isCapacity(message) ? BridgeFailure.UNAVAILABLE : 500, message);
            }
            if ("message".equals(frame.getString("type"))) {
                return frame;
            }
        }
    }

    private JsonObject headers() {
        return token == null ? new JsonObject() : new JsonObject().put("token", token);
    }

    /**
     * While waiting for messages, pings every {@link #PING_MS} from a daemon thread, so the agent's idle timeout
     * ({@code bridge.idleTimeoutSeconds}, at least 10 s) does not close a quiet watch.
     */
    private void keepAlive() {
        if (pinger != null) {
            return;
        }
        pinger = new Thread(
                () -> {
                    try {
                        while (!socket.isClosed()) {
                            Thread.sleep(PING_MS);
                            write(new JsonObject().put("type", "ping"));
                        }
                    } catch (InterruptedException | IOException e) {
                        // The connection is gone: the reader sees it.
                    }
                },
                "ctl-keepalive");
        pinger.setDaemon(true);
        pinger.start();
    }

    private static final long PING_MS = 5_000;
    private Thread pinger;

    private synchronized void write(JsonObject frame) throws IOException {
        out.write(Frames.bytes(frame));
        out.flush();
    }

    private JsonObject read() throws IOException {
        try {
            JsonObject frame = pending.isEmpty() ? Frames.read(in, MAX_REPLY_BYTES) : pending.poll();
            return Frames.inflated(frame, MAX_INFLATED_BYTES);
        } catch (EOFException e) {
            throw new EOFException("the " + peer + " closed the connection");
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("the " + peer + " did not answer in time");
        }
    }

    @Override
    public void close() throws IOException {
        if (pinger != null) {
            pinger.interrupt();
        }
        socket.close();
    }
}
