package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.core.BoundedInput;

class FrameDecoderTest {
    private final FrameDecoder decoder = new FrameDecoder(1024);

    @Test
    void framesSplitAcrossReadsAndJoinedInOneReadAreAllDecoded() throws Exception {
        Buffer two = Frames.encode(new JsonObject().put("type", "ping"))
                .appendBuffer(Frames.encode(new JsonObject().put("type", "send").put("address", "a")));
        assertThat(decoder.feed(two.getBuffer(0, 7))).isEmpty();
        assertThat(decoder.feed(two.getBuffer(7, two.length())))
                .extracting(f -> f.getString("type"))
                .containsExactly("ping", "send");
        assertThat(decoder.buffered()).isZero();
    }

    /**
     * Reads are decoded where they lie, so what the decoder keeps of a frame not yet complete must be its own: the
     * connection may reuse the buffer it handed over once the call returns.
     */
    @Test
    void theStartOfAFrameKeptForTheNextReadIsTheDecodersOwnCopy() throws Exception {
        Buffer first = Frames.encode(new JsonObject().put("type", "ping"));
        Buffer second = Frames.encode(new JsonObject().put("type", "send").put("address", "kmsagent.status"));
        Buffer third = Frames.encode(new JsonObject().put("type", "register").put("address", "a"));
        Buffer read = first.copy().appendBuffer(second.getBuffer(0, 9));
        assertThat(decoder.feed(read)).extracting(f -> f.getString("type")).containsExactly("ping");
        read.setBytes(0, new byte[read.length()]); // the connection's buffer, reused
        Buffer rest = second.getBuffer(9, second.length()).appendBuffer(third.getBuffer(0, 3));
        assertThat(decoder.feed(rest)).extracting(f -> f.getString("address")).containsExactly("kmsagent.status");
        rest.setBytes(0, new byte[rest.length()]);
        assertThat(decoder.feed(third.getBuffer(3, third.length())))
                .extracting(f -> f.getString("type"))
                .containsExactly("register");
        assertThat(decoder.buffered()).isZero();
    }

    @Test
    void anOversizedLengthIsRefusedBeforeItsBodyArrives() {
        Buffer header = Buffer.buffer().appendInt(1025);
        assertThatThrownBy(() -> decoder.feed(header)).hasMessage("frame_too_large: declared 1025 bytes, limit 1024");
    }

    @Test
    void aNegativeLengthIsRefused() {
        assertThatThrownBy(() -> decoder.feed(Buffer.buffer().appendInt(-5)))
                .hasMessage("frame_too_large: declared -5 bytes, a negative length, limit 1024");
    }

    @Test
    void jsonThatIsNotAnObjectOrNotJsonIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> decoder.feed(frame("[1,2]"))).hasMessage("malformed_frame: expected a JSON object");
        assertThatThrownBy(() -> new FrameDecoder(1024).feed(frame("{\"token\":\"secret-secret\"")))
                .hasMessage("malformed_frame: not valid JSON");
        assertThatThrownBy(() -> new FrameDecoder(1024)
                        .feed(Buffer.buffer().appendInt(3).appendBytes(new byte[] {'{', (byte) 0xC3, '}'})))
                .hasMessage("malformed_frame: not UTF-8");
    }

    @Test
    void textBeyondAsciiReadsAsWrittenAndMalformedUtf8InAStringIsNamedSo() throws Exception {
        JsonObject sent = new JsonObject().put("hostName", "Büro-PC-ß-東京").put("note", "😀");
        assertThat(decoder.feed(Frames.encode(sent))).containsExactly(sent);
        for (byte[] malformed : new byte[][] {
            {(byte) 0xC0, (byte) 0xAF}, // '/' in two bytes (overlong)
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80} // beyond U+10FFFF
        }) {
            byte[] json = new byte[malformed.length + 8];
            System.arraycopy("{\"a\":\"".getBytes(StandardCharsets.US_ASCII), 0, json, 0, 6);
            System.arraycopy(malformed, 0, json, 6, malformed.length);
            json[json.length - 2] = '"';
            json[json.length - 1] = '}';
            assertThatThrownBy(() -> new FrameDecoder(1024)
                            .feed(Buffer.buffer().appendInt(json.length).appendBytes(json)))
                    .hasMessage("malformed_frame: not UTF-8");
        }
    }

    private static Buffer frame(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer().appendInt(b.length).appendBytes(b);
    }

    @Test
    void clientChosenTextIsMadeSafeForOneLogLine() {
        assertThat(BoundedInput.printable("kmsagent.status\nFAKE LOG LINE")).isEqualTo("kmsagent.status?FAKE LOG LINE");
        assertThat(BoundedInput.printable("a".repeat(200))).hasSize(83);
        assertThat(BoundedInput.printable(null)).isEqualTo("(none)");
    }
}
