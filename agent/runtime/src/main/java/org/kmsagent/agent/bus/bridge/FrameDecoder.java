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

    /**
     * Appends received bytes; returns the frames now complete, in order. Frames are read where they lie: from the
     * received buffer itself when nothing was pending (the usual case, a read holding whole frames), and only the
     * bytes of a frame not yet complete are kept. Copying every read into the pending buffer, each frame out of it
     * and each frame once more for the parser was a tenth of a hub's work as it ingested events.
     */
    public List<JsonObject> feed(Buffer data) throws FrameException {
        Buffer in;
        if (pending.length() == 0) {
            in = data;
        } else {
            pending.appendBuffer(data);
            in = pending;
        }
        List<JsonObject> frames = new ArrayList<>(1);
        int offset = 0;
        while (in.length() - offset >= 4) {
            int length = in.getInt(offset);
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
            if (in.length() - offset - 4 < length) {
                break;
            }
            frames.add(parse(in.slice(offset + 4, offset + 4 + length)));
            offset += 4 + length;
        }
        if (in == pending) {
            if (offset == in.length()) {
                pending = Buffer.buffer();
            } else if (offset > 0) {
                pending = in.getBuffer(offset, in.length());
            }
        } else if (offset < in.length()) {
            pending = in.getBuffer(offset, in.length()); // a copy: the received buffer is not this decoder's to keep
        }
        return frames;
    }

    /** Bytes received but not yet a whole frame (a truncated frame when the connection ends). */
    int buffered() {
        return pending.length();
    }

    private static JsonObject parse(Buffer frame) throws FrameException {
        Object value;
        try {
            // Jackson reads the UTF-8 bytes itself (and refuses malformed ones), without a String copy of each frame;
            // in a fan-out's profile the parsing that remains is Jackson building the objects
            // (docs/performance-log.md).
            value = Json.decodeValue(frame);
        } catch (DecodeException e) {
            // The decoder's own message quotes the input, which may hold a token: say only where it broke.
            throw new FrameException(
                    utf8(frame.getBytes()) ? "malformed_frame: not valid JSON" : "malformed_frame: not UTF-8");
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
