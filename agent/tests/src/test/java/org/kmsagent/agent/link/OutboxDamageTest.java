package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

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
        try (Outbox o = new Outbox(dir, CLOCK)) {
            o.append("a", "2026-03-01T00:00:00Z", null);
            o.append("b", "2026-03-01T00:00:01Z", null);
        }
        Path log = dir.resolve("fleet-outbox.jsonl");
        String good = Files.readString(log);
        Files.writeString(log, good.replace("\n{", "\n#garbage#\n{"));
        try (Outbox o = new Outbox(dir, CLOCK)) {
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
        try (Outbox o = new Outbox(dir, CLOCK)) {
            assertThat(o.problems()).isEmpty();
            assertThat(o.size()).isEqualTo(3);
        }
    }

    @Test
    void aLogThatIsNotTextAndAnAcknowledgementThatIsNoNumberAreMovedAside() throws Exception {
        Files.write(dir.resolve("fleet-outbox.jsonl"), new byte[] {(byte) 0xC3, 0x28, '\n', (byte) 0xFF});
        Files.writeString(dir.resolve("fleet-outbox.acked"), "seven");
        try (Outbox o = new Outbox(dir, CLOCK)) {
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
