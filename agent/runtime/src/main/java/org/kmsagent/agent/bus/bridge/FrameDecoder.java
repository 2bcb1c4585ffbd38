package org.kmsagent.agent.bus.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the bridge's byte stream into frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON
 * holding one object (the Vert.x TCP event-bus bridge framing). Unlike the stock parser it bounds what it buffers:
 * a declared length over the limit, or below zero, is refused as soon as its 4 bytes arrive, before the body is read.
 * Not thread-safe: one per connection, fed from its event loop.
 */
public final class FrameDecoder {

    /** A frame the connection cannot go on after; the message is safe to send back and log (no frame content). */
    public static final class FrameException extends Exception {
        private static final long serialVersionUID = 1L;

        FrameException(String message) {
            super(message);
        }
    }

    private final int maxFrameBytes;
    private Buffer pending = Buffer.buffer();

    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Appends received bytes; returns the frames now complete, in order. */
    public List<JsonObject> feed(Buffer data) throws FrameException {
        pending.appendBuffer(data);
        List<JsonObject> frames = new ArrayList<>();
        int offset = 0;
        while (pending.length() - offset >= 4) {
            int length = pending.getInt(offset);
            if (length < 2 || length > maxFrameBytes) {
                throw new FrameException(
                        length < 0
                                ? "frame_too_large: declared " + length + " bytes, a negative length, limit "
                                        + maxFrameBytes
                                : length > maxFrameBytes
                                        ? "frame_too_large: declared " + length + " bytes, limit " + maxFrameBytes
                                        : "malformed_frame: declared " + length
                                                + " bytes, too short for a JSON object");
            }
            if (pending.length() - offset - 4 < length) {
                break;
            }
            frames.add(parse(pending.getBytes(offset + 4, offset + 4 + length)));
            offset += 4 + length;
        }
        if (offset > 0) {
            pending = pending.getBuffer(offset, pending.length());
        }
        return frames;
    }

    /** Bytes received but not yet a whole frame (a truncated frame when the connection ends). */
    int buffered() {
        return pending.length();
    }

    private static JsonObject parse(byte[] bytes) throws FrameException {
        Object value;
        try {
            // Jackson reads the UTF-8 bytes itself (and refuses malformed ones), without a String copy of each frame;
            // in a fan-out's profile the parsing that remains is Jackson building the objects
            // (docs/performance-log.md).
            value = Json.decodeValue(Buffer.buffer(bytes));
        } catch (DecodeException e) {
            // The decoder's own message quotes the input, which may hold a token: say only where it broke.
            throw new FrameException(utf8(bytes) ? "malformed_frame: not valid JSON" : "malformed_frame: not UTF-8");
        }
        if (value instanceof JsonObject obj) {
            return obj;
        }
        throw new FrameException("malformed_frame: expected a JSON object");
    }

    private static boolean utf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
