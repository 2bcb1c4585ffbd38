package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.core.SmallHeapJvm;

/**
 * The outbox stays bounded while no hub takes its events, and a file larger than the agent's heap does not stop it
 * (docs/fleet.md, "While no hub answers"; docs/operations.md, "A damaged file never stops the agent").
 */
class OutboxBoundsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:20:30Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @RegisterExtension
    final OutboxWarnings warned = new OutboxWarnings();

    List<String> warnings() {
        return warned.lines();
    }

    /** Writes events {@code 1..count} as the outbox writes them, each with {@code filler} characters of data. */
    static void writeEvents(Path dir, int count, int filler) throws IOException {
        Files.createDirectories(dir);
        String text = "x".repeat(filler);
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("fleet-outbox.jsonl"), StandardCharsets.UTF_8)) {
            for (int seq = 1; seq <= count; seq++) {
                out.write(new JsonObject()
                        .put("seq", seq)
                        .put("type", "state")
                        .put(
                                "at",
                                Instant.parse("2026-03-01T00:00:00Z")
                                        .plusSeconds(seq)
                                        .toString())
                        .put("data", new JsonObject().put("text", text))
                        .encode());
                out.write('\n');
            }
        }
    }

    static long lines(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        }
    }

    @Test
    void moreUndeliveredEventsThanTheBoundKeepTheNewestAndSayHowManyWereDropped() throws Exception {
        writeEvents(dir, Outbox.MAX_PENDING + 2_500, 10);
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            assertThat(o.size()).isEqualTo(Outbox.MAX_PENDING);
            assertThat(o.pending(1))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getLong("seq")).isEqualTo(2_501L));
            assertThat(o.dropped()).isEqualTo(2_500);
            assertThat(o.problems()).as("not damage").isEmpty();
            assertThat(warnings())
                    .singleElement()
                    .asString()
                    .contains(
                            "no hub has taken the agent's events for a long while",
                            "the 2500 oldest were dropped to keep the newest 10000",
                            "the oldest kept is from 2026-03-01T00:41:41Z");
            assertThat(o.append("c", "2026-03-01T10:20:30Z", null).getLong("seq"))
                    .isEqualTo(Outbox.MAX_PENDING + 2_501L);
        }
        // The file was compacted to what is kept: it does not grow without bound either.
        assertThat(lines(dir.resolve("fleet-outbox.jsonl"))).isEqualTo(Outbox.MAX_PENDING + 1);
        // Appending lets a tenth more pile up before compacting (one rewrite per 1,000 events); opening keeps the
        // bound.
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            assertThat(o.size()).isEqualTo(Outbox.MAX_PENDING);
            assertThat(o.dropped()).isEqualTo(1);
        }
    }

    @Test
    void eventsAppendedWhileNoHubAnswersDropTheOldestPastTheBound() throws Exception {
        writeEvents(dir, Outbox.MAX_PENDING, 10);
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            assertThat(o.dropped()).isZero();
            int more = Outbox.MAX_PENDING / 10 + 1;
            for (int i = 0; i < more; i++) {
                o.append("later", "2026-03-01T10:20:30Z", null);
            }
            assertThat(o.size()).isEqualTo(Outbox.MAX_PENDING);
            assertThat(o.dropped()).isEqualTo(more);
            assertThat(o.pending(1).get(0).getLong("seq")).isEqualTo(more + 1L);
            assertThat(warnings()).singleElement().asString().contains("the " + more + " oldest were dropped");
        }
        assertThat(lines(dir.resolve("fleet-outbox.jsonl"))).isEqualTo(Outbox.MAX_PENDING);
    }

    @Test
    void aLineLongerThanAnyEventIsSkippedAsDamageAndTheEventsAroundItKept() throws Exception {
        writeEvents(dir, 2, 10);
        Path log = dir.resolve("fleet-outbox.jsonl");
        String events = Files.readString(log);
        Files.writeString(log, events.substring(0, events.indexOf('\n') + 1));
        SmallHeapJvm.appendFiller(log, Outbox.MAX_LINE_BYTES + 1);
        Files.writeString(log, "\n" + events.substring(events.indexOf('\n') + 1), StandardOpenOption.APPEND);
        try (Outbox o = new Outbox(dir, "pc-0042", CLOCK)) {
            assertThat(o.problems())
                    .singleElement()
                    .asString()
                    .contains("1 unreadable line(s): line 2)", "2 readable event(s) are kept");
            assertThat(o.pending(10)).extracting(e -> e.getLong("seq")).containsExactly(1L, 2L);
        }
    }

    /**
     * What a walkthrough left, in the heap the agent runs with: 15,000 ordinary undelivered events (10.7 MB) and one 40
     * MB line. The agent died at start with OutOfMemoryError in the outbox; it now opens it with the newest events.
     */
    @Test
    void anOutboxLargerThanTheAgentsHeapOpensInIt() throws Exception {
        writeEvents(dir, 15_000, 600);
        Path log = dir.resolve("fleet-outbox.jsonl");
        SmallHeapJvm.appendFiller(log, 40L * 1024 * 1024);
        Files.writeString(log, "\n", StandardOpenOption.APPEND);
        SmallHeapJvm.Result r = SmallHeapJvm.run(OpenMain.class, dir.toString());
        assertThat(r.output())
                .as("exit %d", r.exit())
                .contains("pending=" + Outbox.MAX_PENDING + " first=5001 dropped=5000 problems=1");
        assertThat(r.exit()).isZero();
    }

    /** Opens the outbox in {@code args[0]} and prints what it holds. */
    public static final class OpenMain {
        public static void main(String[] args) {
            try (Outbox o = new Outbox(Path.of(args[0]), "pc-0042")) {
                System.out.println(
                        "pending=" + o.size() + " first=" + o.pending(1).get(0).getLong("seq") + " dropped="
                                + o.dropped() + " problems=" + o.problems().size());
            }
        }
    }
}
