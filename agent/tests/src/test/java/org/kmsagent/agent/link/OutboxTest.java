package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    private static final String AGENT = "pc-0042";

    @TempDir
    Path dir;

    @Test
    void eventsSurviveARestartInOrderAndSequenceNumbersNeverRepeat() {
        try (Outbox o = new Outbox(dir, AGENT)) {
            o.append("a", "2026-03-01T00:00:00Z", new JsonObject().put("n", 1));
            o.append("b", "2026-03-01T00:00:01Z", new JsonObject().put("n", 2));
            o.append("c", "2026-03-01T00:00:02Z", new JsonObject().put("n", 3));
            o.acknowledge(1);
        }
        try (Outbox o = new Outbox(dir, AGENT)) {
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("b", "c");
            assertThat(o.append("d", "2026-03-01T00:00:03Z", null).getLong("seq"))
                    .isEqualTo(4L);
            o.acknowledge(4);
            assertThat(o.size()).isZero();
        }
        try (Outbox o = new Outbox(dir, AGENT)) {
            assertThat(o.size()).isZero();
            assertThat(o.append("e", "2026-03-01T00:00:04Z", null).getLong("seq"))
                    .isEqualTo(5L);
        }
    }

    /**
     * A delivery takes the oldest pending events whose JSON fits the batch together (a hub closes a connection on a
     * frame larger than its limit), by the sizes of the events as written, also after a restart and a renumbering.
     */
    @Test
    void aDeliveryTakesTheOldestPendingEventsThatFitTogether() {
        String text = "x".repeat(1000);
        int one;
        try (Outbox o = new Outbox(dir, AGENT)) {
            one = o.append("a", "2026-03-01T00:00:00Z", new JsonObject().put("text", text))
                    .encode()
                    .length();
            o.append("b", "2026-03-01T00:00:01Z", new JsonObject().put("text", text));
            o.append("c", "2026-03-01T00:00:02Z", new JsonObject().put("text", text));
            o.append("d", "2026-03-01T00:00:03Z", new JsonObject().put("text", text));
            o.acknowledge(1);
            assertThat(o.batch(10, 2 * one))
                    .extracting(e -> e.getString("type"))
                    .containsExactly("b", "c");
            assertThat(o.batch(10, 2 * one - 1))
                    .extracting(e -> e.getString("type"))
                    .containsExactly("b");
            assertThat(o.batch(10, 10))
                    .as("the first is taken whatever its size")
                    .hasSize(1);
            assertThat(o.batch(2, 100 * one))
                    .extracting(e -> e.getString("type"))
                    .containsExactly("b", "c");
        }
        try (Outbox o = new Outbox(dir, AGENT)) {
            assertThat(o.batch(10, 3 * one))
                    .extracting(e -> e.getString("type"))
                    .containsExactly("b", "c", "d");
            assertThat(o.batch(10, 3 * one - 1))
                    .extracting(e -> e.getString("type"))
                    .containsExactly("b", "c");
            // Renumbered after a hub's higher numbers: two digits more each, so two no longer fit in twice the old
            // size.
            o.registered(99);
            assertThat(o.pending(10)).extracting(e -> e.getLong("seq")).containsExactly(100L, 101L, 102L);
            assertThat(o.batch(10, 2 * one + 3))
                    .extracting(e -> e.getLong("seq"))
                    .containsExactly(100L);
            assertThat(o.batch(10, 2 * one + 4))
                    .extracting(e -> e.getLong("seq"))
                    .containsExactly(100L, 101L);
        }
    }

    @Test
    void aLineTornByACrashIsDroppedAndTheRestKept() throws Exception {
        try (Outbox o = new Outbox(dir, AGENT)) {
            o.append("a", "2026-03-01T00:00:00Z", null);
        }
        Files.writeString(
                dir.resolve("fleet-outbox.jsonl"), "{\"seq\":2,\"type\":\"b\",\"da", StandardOpenOption.APPEND);
        try (Outbox o = new Outbox(dir, AGENT)) {
            assertThat(o.pending(10)).extracting(e -> e.getLong("seq")).containsExactly(1L);
            assertThat(o.append("c", "2026-03-01T00:00:02Z", null).getLong("seq"))
                    .isEqualTo(2L);
        }
    }

    @Test
    void anAcknowledgementBeyondWhatWasWrittenDoesNotSkipFutureEvents() {
        try (Outbox o = new Outbox(dir, AGENT)) {
            o.append("a", "2026-03-01T00:00:00Z", null);
            o.acknowledge(99); // a hub whose view came from an older outbox must not make new events look delivered
            assertThat(o.acknowledged()).isEqualTo(1L);
            assertThat(o.append("b", "2026-03-01T00:00:01Z", null).getLong("seq"))
                    .isEqualTo(2L);
        }
    }

    @Test
    void aHubThatKnowsHigherSequenceNumbersGetsThePendingEventsRenumberedAfterThem() {
        // The agent's data directory was wiped: its new outbox starts at 1, but the fleet view has seen up to 57.
        try (Outbox o = new Outbox(dir, AGENT)) {
            o.append("a", "2026-03-01T00:00:00Z", null);
            o.append("b", "2026-03-01T00:00:01Z", null);
            o.registered(57);
            assertThat(o.pending(10)).extracting(e -> e.getLong("seq")).containsExactly(58L, 59L);
            assertThat(o.append("c", "2026-03-01T00:00:02Z", null).getLong("seq"))
                    .isEqualTo(60L);
        }
        try (Outbox o = new Outbox(dir, AGENT)) {
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("a", "b", "c");
            assertThat(o.pending(10)).extracting(e -> e.getLong("seq")).containsExactly(58L, 59L, 60L);
        }
    }

    @Test
    void aHubThatHasPartOfTheOutboxAcknowledgesIt() {
        try (Outbox o = new Outbox(dir, AGENT)) {
            o.append("a", "2026-03-01T00:00:00Z", null);
            o.append("b", "2026-03-01T00:00:01Z", null);
            o.registered(1);
            assertThat(o.pending(10)).extracting(e -> e.getLong("seq")).containsExactly(2L);
        }
    }

    @Test
    void aHubThatLostItsViewGetsTheAcknowledgedEventsAgainInOrder() {
        try (Outbox o = new Outbox(dir, AGENT)) {
            o.append("a", "2026-03-01T00:00:00Z", null);
            o.append("b", "2026-03-01T00:00:01Z", null);
            o.append("c", "2026-03-01T00:00:02Z", null);
            o.acknowledge(3);
        }
        try (Outbox o = new Outbox(dir, AGENT)) {
            assertThat(o.size()).isZero();
            o.registered(0); // every hub was lost: the new view knows nothing of this agent
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("a", "b", "c");
            assertThat(o.written()).isEqualTo(3L);
        }
    }

    /** An event no hub could take is refused whole, before anything is written or numbered. */
    @Test
    void anEventLargerThanAHubTakesIsRefusedAndTakesNoSequenceNumber() {
        try (Outbox o = new Outbox(dir, AGENT)) {
            long first = o.append("a", "2026-03-01T00:00:00Z", null).getLong("seq");
            // Counted in UTF-8 bytes: 6,000 characters of three bytes each are 18,000 bytes.
            JsonObject large = new JsonObject().put("text", "\u20ac".repeat(6_000));
            assertThatThrownBy(() -> o.append("big", "2026-03-01T00:00:01Z", large))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("fleet event 'big' is 180")
                    .hasMessageEndingWith(" bytes; at most 16384 can be delivered to a hub");
            assertThat(o.append("b", "2026-03-01T00:00:02Z", null).getLong("seq"))
                    .isEqualTo(first + 1);
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("a", "b");
        }
        try (Outbox o = new Outbox(dir, AGENT)) {
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("a", "b");
        }
    }
}
