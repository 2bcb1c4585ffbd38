package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.StringArbitrary;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the bridge's frame decoder: whatever bytes a peer sends, in whatever pieces, the decoder either returns
 * frames or throws its own {@link FrameDecoder.FrameException} with a coded message, and it never holds more than one
 * frame's worth of bytes; frames it was given whole come back equal. Seeds are fixed, tries bounded.
 */
class FrameDecoderFuzzTest {
    private static final int LIMIT = 4096;

    @Property(tries = 400, seed = "1301")
    void anyBytesInAnyPiecesGiveFramesOrAFrameException(
            @ForAll @Size(max = 6000) byte[] bytes,
            @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 700) Integer> cuts,
            @ForAll boolean startWithValidHeader) {
        FrameDecoder decoder = new FrameDecoder(LIMIT);
        byte[] input = bytes;
        if (startWithValidHeader && bytes.length >= 4) {
            // A plausible length, so the body (random bytes, seldom JSON) reaches the parser more often.
            Buffer b = Buffer.buffer()
                    .appendInt(Math.min(bytes.length - 4, LIMIT))
                    .appendBytes(bytes, 4, bytes.length - 4);
            input = b.getBytes();
        }
        int offset = 0;
        try {
            for (int piece : pieces(input.length, cuts)) {
                decoder.feed(Buffer.buffer().appendBytes(input, offset, piece));
                offset += piece;
                assertThat(decoder.buffered()).isLessThanOrEqualTo(LIMIT + 3);
            }
        } catch (FrameDecoder.FrameException e) {
            assertThat(e.getMessage()).matches("(frame_too_large|malformed_frame): [^\\n]+");
        }
    }

    @Property(tries = 300, seed = "1302")
    void wholeFramesSplitAnywhereComeBackEqual(
            @ForAll("objects") List<JsonObject> frames,
            @ForAll @Size(max = 10) List<@IntRange(min = 1, max = 200) Integer> cuts)
            throws Exception {
        Buffer stream = Buffer.buffer();
        for (JsonObject f : frames) {
            stream.appendBuffer(Frames.encode(f));
        }
        byte[] bytes = stream.getBytes();
        FrameDecoder decoder = new FrameDecoder(1 << 20);
        List<JsonObject> out = new ArrayList<>();
        int offset = 0;
        for (int piece : pieces(bytes.length, cuts)) {
            out.addAll(decoder.feed(Buffer.buffer().appendBytes(bytes, offset, piece)));
            offset += piece;
        }
        assertThat(out).isEqualTo(frames);
        assertThat(decoder.buffered()).isZero();
    }

    @Property(tries = 300, seed = "1303")
    void aValidStreamWithFlippedBytesGivesFramesOrAFrameException(
            @ForAll("objects") List<JsonObject> frames,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> positions,
            @ForAll byte xor) {
        Buffer stream = Buffer.buffer();
        for (JsonObject f : frames) {
            stream.appendBuffer(Frames.encode(f));
        }
        byte[] bytes = stream.getBytes();
        if (bytes.length == 0) {
            return;
        }
        for (int p : positions) {
            bytes[p % bytes.length] ^= xor == 0 ? (byte) 0x41 : xor;
        }
        FrameDecoder decoder = new FrameDecoder(LIMIT);
        try {
            decoder.feed(Buffer.buffer(bytes));
            assertThat(decoder.buffered()).isLessThanOrEqualTo(LIMIT + 3);
        } catch (FrameDecoder.FrameException e) {
            assertThat(e.getMessage()).matches("(frame_too_large|malformed_frame): [^\\n]+");
        }
    }

    @Provide
    Arbitrary<List<JsonObject>> objects() {
        // Text a peer can encode at all: any UTF-16 but lone surrogates (which UTF-8 cannot carry).
        StringArbitrary text =
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF');
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                text.ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b));
        Arbitrary<JsonObject> inner = Combinators.combine(
                        Arbitraries.strings().alpha().ofMaxLength(8), scalar)
                .as((k, v) -> new JsonObject().put(k, v));
        Arbitrary<JsonObject> obj = Combinators.combine(
                        Arbitraries.maps(text.ofMaxLength(12), scalar).ofMaxSize(5),
                        inner.list().ofMaxSize(3))
                .as((m, list) -> {
                    JsonObject o = new JsonObject();
                    m.forEach(o::put);
                    if (!list.isEmpty()) {
                        o.put("nested", list.get(0)).put("list", new JsonArray(new ArrayList<>(list)));
                    }
                    return o;
                });
        return obj.list().ofMaxSize(6);
    }

    /** The stream's length split at the given piece sizes (the rest as one last piece). */
    private static List<Integer> pieces(int length, List<Integer> cuts) {
        List<Integer> out = new ArrayList<>();
        int left = length;
        for (int c : cuts) {
            if (left == 0) {
                break;
            }
            int piece = Math.min(c, left);
            out.add(piece);
            left -= piece;
        }
        if (left > 0) {
            out.add(left);
        }
        return out;
    }
}
