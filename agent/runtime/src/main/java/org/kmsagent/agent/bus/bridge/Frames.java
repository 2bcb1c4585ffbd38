package org.kmsagent.agent.bus.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The bridge's framing, written once: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. The server
 * reads with {@link FrameDecoder} (non-blocking, bounded); blocking clients ({@code ctl}, the benchmarks, the tests'
 * raw client) use {@link #bytes} and {@link #read}. Also builds the standard frame shapes, and the one extension to
 * them: a large reply deflated for a client that asks for it ({@link #reply}, {@link #inflated}).
 */
public final class Frames {
    private Frames() {}

    /** The request header by which a client accepts a large reply deflated ({@value #DEFLATE}). */
    public static final String ACCEPT_ENCODING = "accept-encoding";
    /** The reply header that says its body is deflated: then the body is the Base64 text of raw DEFLATE data. */
    public static final String CONTENT_ENCODING = "content-encoding";

    public static final String DEFLATE = "deflate";

    /**
     * How long a client waits for a bridge's answer to its first {@code ping} before it takes the port for one that is
     * no bridge's (a dashboard speaks TLS on the same certificate, then waits for an HTTP request line the framing never
     * ends): a bridge answers a ping at once, before any token is checked, even while it is slow to answer requests.
     * {@code kms-agent ctl} and an agent's fleet link both wait this long at most.
     */
    public static final Duration FIRST_ANSWER = Duration.ofSeconds(10);

    /** What a client says of a port whose TLS passed but that is no bridge's, before saying what it saw. */
    public static final String NOT_A_BRIDGE = "answered, but not as a kms-agent bridge";

    /** What a port that answers a TLS client in plain text (a metrics or other HTTP port) is, for ctl and agents. */
    public static final String NOT_TLS = "answered, but not with TLS: not a kms-agent bridge";

    /** A {@code ping}: a bridge answers it with a {@code pong} at once, whatever the token. */
    public static JsonObject ping() {
        return new JsonObject().put("type", "ping");
    }

    /**
     * What a client saw of a port whose bridge ping went unanswered for {@code waitedMs}, to follow
     * {@link #NOT_A_BRIDGE}: "no answer to a bridge ping within 10 s" (or "within 300 ms").
     */
    public static String noPong(long waitedMs) {
        return "no answer to a bridge ping within "
                + (waitedMs % 1000 == 0 ? waitedMs / 1000 + " s" : waitedMs + " ms");
    }

    /**
     * Replies whose body is at least this large as JSON go deflated to a client that accepts it. A hub's report of a
     * fan-out to 10,000 agents is a few MB, which a freshly started JVM decrypts at a few tens of MB/s (its AES-GCM is
     * not yet compiled: a tenth to a quarter of the fan-out's time in the benchmark, docs/performance-log.md); below 64
     * KB the saving is not worth the work.
     */
    static final int DEFLATE_FROM_BYTES = 64 * 1024;

    public static Buffer encode(JsonObject frame) {
        return Buffer.buffer(bytes(frame));
    }

    /**
     * One frame as bytes, for a single write (a separate 4-byte write would meet Nagle and delayed ACKs). The JSON is
     * written as UTF-8 bytes directly: by way of a String, a hub's fan-out report of a few MB was encoded to chars,
     * copied into a String char by char and encoded again (a fifth of a fan-out's work, docs/performance-log.md).
     */
    public static byte[] bytes(JsonObject frame) {
        Buffer json = frame.toBuffer();
        byte[] data = new byte[4 + json.length()];
        ByteBuffer.wrap(data).putInt(json.length());
        json.getBytes(0, json.length(), data, 4);
        return data;
    }

    /**
     * Reads one frame from a blocking stream.
     *
     * @throws java.io.EOFException at the end of the stream (the peer closed the connection)
     * @throws java.io.IOException a declared length below zero or over {@code maxBytes}, or JSON that is not an object
     */
    public static JsonObject read(DataInputStream in, int maxBytes) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > maxBytes) {
            throw new IOException("the peer sent a frame of " + Integer.toUnsignedString(length) + " bytes");
        }
        byte[] data = new byte[length];
        in.readFully(data);
        try {
            return new JsonObject(Buffer.buffer(data));
        } catch (DecodeException e) {
            throw new IOException("the peer sent a frame that is not a JSON object", e);
        }
    }

    /**
     * The reply to a request, as frame bytes: {@code {"type":"message","address":R,"headers":{},"body":...,"send":true}};
     * with {@code deflate} (the request carried {@link #ACCEPT_ENCODING}) and a body of at least
     * {@link #DEFLATE_FROM_BYTES}, the body is the Base64 text of its JSON deflated, and the headers say so.
     */
    static Buffer reply(String replyAddress, Object body, boolean deflate) {
        JsonObject frame = new JsonObject()
                .put("type", "message")
                .put("address", replyAddress)
                .put("headers", new JsonObject())
                .put("send", true);
        if (deflate) {
            Buffer json = Json.encodeToBuffer(body);
            if (json.length() >= DEFLATE_FROM_BYTES) {
                frame.getJsonObject("headers").put(CONTENT_ENCODING, DEFLATE);
                return encode(frame.put("body", Base64.getEncoder().encodeToString(deflate(json.getBytes()))));
            }
        }
        return encode(frame.put("body", body));
    }

    /**
     * A frame as the server meant it: a deflated body ({@link #CONTENT_ENCODING}) inflated and parsed in place, at most
     * {@code maxBytes} of JSON; any other frame as it is.
     *
     * @throws IOException a deflated body that is not Base64 text of DEFLATE data, inflates past {@code maxBytes}, or is
     *     not JSON
     */
    public static JsonObject inflated(JsonObject frame, int maxBytes) throws IOException {
        if (!(frame.getValue("headers") instanceof JsonObject headers)
                || !DEFLATE.equals(headers.getValue(CONTENT_ENCODING))) {
            return frame;
        }
        if (!(frame.getValue("body") instanceof String text)) {
            throw new IOException("the peer sent a deflated frame whose body is not text");
        }
        byte[] json;
        try {
            json = inflate(Base64.getDecoder().decode(text), maxBytes);
        } catch (IllegalArgumentException | DataFormatException e) {
            throw new IOException("the peer sent a deflated frame whose body is not Base64 DEFLATE data", e);
        }
        headers.remove(CONTENT_ENCODING);
        try {
            return frame.put("body", Json.decodeValue(Buffer.buffer(json)));
        } catch (DecodeException e) {
            throw new IOException("the peer sent a deflated frame whose body is not JSON", e);
        }
    }

    private static byte[] deflate(byte[] data) {
        // The fastest level: answers of one shape shrink tenfold and more even so (the benchmark's report 28-fold).
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
            byte[] chunk = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] data, int maxBytes) throws DataFormatException, IOException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, data.length * 8 + 64));
            byte[] chunk = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("cut short");
                }
                if (out.size() + n > maxBytes) {
                    throw new IOException("the peer sent a deflated frame of more than " + maxBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }

    /** A connection-level error, as the stock bridge sends it: {@code {"type":"err","message":...}}. */
    static JsonObject error(String message) {
        return new JsonObject().put("type", "err").put("message", message);
    }

    /**
     * A refused request that had no reply address: {@code {"type":"err","address":A,"failureCode":C,"message":...}},
     * addressed to the address it was sent to, with the code and the words a request with a reply address gets.
     */
    static JsonObject oneWayFailure(String address, int code, String message) {
        return new JsonObject()
                .put("type", "err")
                .put("address", address)
                .put("failureCode", code)
                .put("message", message);
    }

    /** A failed request, addressed to the client's reply address so that its waiting request sees it. */
    static JsonObject failure(String sourceAddress, String replyAddress, int code, String type, String message) {
        return new JsonObject()
                .put("type", "err")
                .put("address", replyAddress)
                .put("sourceAddress", sourceAddress)
                .put("failureCode", code)
                .put("failureType", type)
                .put("message", message);
    }
}
