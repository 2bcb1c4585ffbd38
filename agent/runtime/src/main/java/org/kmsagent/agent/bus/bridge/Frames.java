package org.kmsagent.agent.bus.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bridge's framing, written once: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. The server
 * reads with {@link FrameDecoder} (non-blocking, bounded); blocking clients ({@code ctl}, the benchmarks, the tests'
 * raw client) use {@link #bytes} and {@link #read}. Also builds the standard frame shapes.
 */
public final class Frames {
    private Frames() {}

    public static Buffer encode(JsonObject frame) {
        return Buffer.buffer(bytes(frame));
    }

    /** One frame as bytes, for a single write (a separate 4-byte write would meet Nagle and delayed ACKs). */
    public static byte[] bytes(JsonObject frame) {
        byte[] data = frame.encode().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + data.length)
                .putInt(data.length)
                .put(data)
                .array();
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
            return new JsonObject(new String(data, StandardCharsets.UTF_8));
        } catch (DecodeException e) {
            throw new IOException("the peer sent a frame that is not a JSON object", e);
        }
    }

    /** A connection-level error, as the stock bridge sends it: {@code {"type":"err","message":...}}. */
    static JsonObject error(String message) {
        return new JsonObject().put("type", "err").put("message", message);
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
