package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged fleet outbox is moved aside, reported, and the agent goes on with what could be read. */
class OutboxDamageTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:20:30Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void garbageInTheMiddleOfTheLogIsMovedAsideAndTheReadableEventsKept() throws Exception {
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            o.append("a", "2026-03-01T00:00:00Z", null);
            o.append("b", "2026-03-01T00:00:01Z", null);
        }
        Path log = dir.resolve("fleet-outbox.jsonl");
        String good = Files.readString(log);
        Files.writeString(log, good.replace("\n{", "\n#garbage#\n{"));
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            assertThat(o.problems())
                    .singleElement()
                    .asString()
                    .contains(
                            "fleet outbox " + log,
                            "1 unreadable line",
                            "fleet-outbox.jsonl.damaged-20260301T102030",
                            "2 readable event(s) are kept");
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("a", "b");
            assertThat(o.append("c", "2026-03-01T00:00:02Z", null).getLong("seq"))
                    .isEqualTo(3L);
        }
        assertThat(Files.readString(dir.resolve("fleet-outbox.jsonl.damaged-20260301T102030")))
                .contains("#garbage#");
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            assertThat(o.problems()).isEmpty();
            assertThat(o.size()).isEqualTo(3);
        }
    }

    @Test
    void aLineThatIsNotTextCostsOnlyItselfAndATornMultiByteLastLineIsDroppedQuietly() throws Exception {
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            o.append("a", "2026-03-01T00:00:00Z", new JsonObject().put("machine", "PC-Andr\u00e9"));
            o.append("b", "2026-03-01T00:00:01Z", null);
            o.append("c", "2026-03-01T00:00:02Z", null);
        }
        Path log = dir.resolve("fleet-outbox.jsonl");
        byte[] good = Files.readAllBytes(log);
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        int firstEnd = indexOf(good, (byte) '\n') + 1;
        damaged.write(good, 0, firstEnd);
        damaged.write(new byte[] {'{', (byte) 0xFF, '}', '\n'}); // line 2: a flipped byte, not UTF-8
        damaged.write(good, firstEnd, good.length - firstEnd);
        damaged.write(new byte[] {'{', '"', 's', 'e', 'q', '"', ':', '4', ',', '"', 'x', '"', ':', '"', (byte) 0xC3});
        Files.write(log, damaged.toByteArray());

        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            // Before, one byte that is not UTF-8 anywhere set every event aside ("the 0 readable event(s) are kept").
            assertThat(o.problems())
                    .singleElement()
                    .asString()
                    .contains("1 unreadable line(s): line 2)", "the 3 readable event(s) are kept");
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("a", "b", "c");
            assertThat(o.pending(10).get(0).getJsonObject("data").getString("machine"))
                    .isEqualTo("PC-Andr\u00e9");
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aLogThatIsNotTextAndAnAcknowledgementThatIsNoNumberAreMovedAside() throws Exception {
        Files.write(dir.resolve("fleet-outbox.jsonl"), new byte[] {(byte) 0xC3, 0x28, '\n', (byte) 0xFF});
        Files.writeString(dir.resolve("fleet-outbox.acked"), "seven");
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            assertThat(o.problems())
                    .hasSize(2)
                    .anyMatch(p -> p.contains("fleet-outbox.acked.damaged-20260301T102030") && p.contains("sent again"))
                    .anyMatch(p -> p.contains("fleet-outbox.jsonl.damaged-20260301T102030"));
            assertThat(o.acknowledged()).isZero();
            assertThat(o.append("a", "2026-03-01T00:00:00Z", null).getLong("seq"))
                    .isEqualTo(1L);
        }
        assertThat(Files.readString(dir.resolve("fleet-outbox.acked.damaged-20260301T102030")))
                .isEqualTo("seven");
    }
}
