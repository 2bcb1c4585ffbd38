package org.kmsagent.agent.link;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.kmsagent.agent.core.DamagedFiles;
import org.kmsagent.agent.core.OwnerOnly;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * The agent's fleet events, kept durably so that none is lost while no hub is reachable, the agent restarts, or the
 * hubs lose their view. An append-only file of JSON lines {@code {seq, type, at, data}} (each line forced to disk
 * before {@link #append} returns) plus a small file holding the highest sequence number a hub acknowledged.
 * Sequence numbers start at 1 and never repeat, so a hub drops what it already has (dedup by agent id and seq).
 *
 * <p>Acknowledged events are kept too (the latest {@link #RETAINED}): the agent is the durable source of its own
 * history, and when a hub's view knows less than was acknowledged (every hub was lost at once) they are delivered
 * again ({@link #registered}).
 *
 * <p>Thread-safe (synchronized). {@link #append}, {@link #acknowledge} and {@link #registered} do file IO: call them
 * off the event loop; the other methods only read memory.
 */
public final class Outbox implements AutoCloseable {
    /** How many events the agent keeps for a hub that lost its view; older acknowledged ones are dropped. */
    static final int RETAINED = 10_000;

    private final Path log;
    private final Path ackFile;
    /** The retained events, ascending by seq: acknowledged ones, then pending ones. */
    private final List<Kept> events = new ArrayList<>();

    /**
     * An event with what delivery asks of it at every batch: its number, and the length of its JSON, taken when it was
     * written. Encoding every pending event again to size each batch, and reading the numbers out of the JSON objects,
     * were about a quarter of the fleet benchmark's agents' processor time while they delivered (JFR samples).
     */
    private record Kept(JsonObject event, long seq, int chars) {
        static Kept of(JsonObject event, String json) {
            return new Kept(event, event.getLong("seq"), json.length());
        }
    }

    private final List<String> problems = new ArrayList<>();
    private FileChannel channel;
    private long nextSeq;
    private long acked;

    /** Opens (creating if needed) the outbox in the directory; a torn last line from a crash is dropped. */
    public Outbox(Path dir) {
        this(dir, Clock.systemUTC());
    }

    /**
     * Opens the outbox; {@code clock} names files moved aside. A torn last line (a kill while it was written, never
     * reported as produced) is dropped quietly. Any other line that is not an event, or an acknowledgement file that
     * holds no sequence number, is damage: the file is moved aside ({@link DamagedFiles}), the events that could be
     * read are kept, and {@link #problems()} says what happened. Without a readable acknowledgement every kept event
     * is pending again (a hub drops those it has).
     */
    public Outbox(Path dir, Clock clock) {
        this.log = dir.resolve("fleet-outbox.jsonl");
        this.ackFile = dir.resolve("fleet-outbox.acked");
        try {
            OwnerOnly.directories(dir);
            acked = readAcked(clock);
            long last = 0;
            if (Files.isRegularFile(log)) {
                List<String> lines = lines(Files.readAllBytes(log));
                // Line numbers (from 1) of lines that are not events in order; a last line that is not one was torn by
                // a kill while it was written, never reported as produced, and is dropped quietly.
                List<Integer> bad = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    JsonObject e = line == null ? null : parse(line);
                    if (e != null && e.getLong("seq") > last) {
                        last = e.getLong("seq");
                        events.add(Kept.of(e, line));
                    } else if ((line == null || !line.isBlank()) && i < lines.size() - 1) {
                        bad.add(i + 1);
                    }
                }
                if (!bad.isEmpty()) {
                    Path aside = DamagedFiles.moveAside(log, clock);
                    problems.add("fleet outbox " + log + " was damaged (" + bad.size() + " unreadable line(s): "
                            + lineNumbers(bad) + "); moved to " + aside + "; the " + events.size()
                            + " readable event(s) are kept");
                }
            }
            nextSeq = Math.max(last, acked) + 1;
            rewrite();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fleet outbox in " + dir, e);
        }
    }

    private long readAcked(Clock clock) throws IOException {
        if (!Files.isRegularFile(ackFile)) {
            return 0;
        }
        try {
            long seq = Long.parseLong(Files.readString(ackFile).trim());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException | CharacterCodingException e) {
            // damaged: below
        }
        Path aside = DamagedFiles.moveAside(ackFile, clock);
        problems.add("fleet outbox acknowledgement " + ackFile + " was damaged (no sequence number); moved to " + aside
                + "; every kept event is sent again (hubs drop what they have)");
        return 0;
    }

    /** What was found damaged when the outbox was opened; empty when nothing was. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * The log's lines, each decoded on its own: one that is not UTF-8 (a byte flipped on disk, a multi-byte character
     * cut by a kill) is null, and costs only itself, not the events around it. A final newline ends the last line.
     */
    private static List<String> lines(byte[] data) {
        List<String> lines = new ArrayList<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        int start = 0;
        while (start < data.length) {
            int end = start;
            while (end < data.length && data[end] != '\n') {
                end++;
            }
            try {
                lines.add(utf8.decode(ByteBuffer.wrap(data, start, end - start)).toString());
            } catch (CharacterCodingException notText) {
                lines.add(null);
            }
            start = end + 1;
        }
        return lines;
    }

    /** The first few line numbers, as a damage report names them: {@code 3, 7, 12 and 4 more}. */
    private static String lineNumbers(List<Integer> numbers) {
        int shown = Math.min(numbers.size(), 5);
        String text = "line "
                + numbers.subList(0, shown).stream().map(String::valueOf).collect(Collectors.joining(", "));
        return numbers.size() > shown ? text + " and " + (numbers.size() - shown) + " more" : text;
    }

    private static JsonObject parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonObject e = new JsonObject(line);
            return e.getValue("seq") instanceof Number ? e : null;
        } catch (DecodeException e) {
            return null; // a line torn by a crash while it was written: it was never reported as produced
        }
    }

    /**
     * Appends an event and forces it to disk; returns it with its sequence number.
     *
     * @throws IllegalArgumentException the event is larger than {@link FleetAddresses#MAX_EVENT_BYTES}; nothing is written
     */
    public synchronized JsonObject append(String type, String at, Object data) {
        JsonObject e = new JsonObject()
                .put("seq", nextSeq)
                .put("type", type)
                .put("at", at)
                .put("data", data);
        // Measured on the encoding written, the one encoding an event gets (a separate check encoded each event
        // again: a third of an agent's encoding work while it delivers).
        String json = e.encode();
        byte[] line = (json + "\n").getBytes(StandardCharsets.UTF_8);
        if (line.length - 1 > FleetAddresses.MAX_EVENT_BYTES) {
            throw new IllegalArgumentException("fleet event '" + type + "' is " + (line.length - 1) + " bytes; at most "
                    + FleetAddresses.MAX_EVENT_BYTES + " can be delivered to a hub");
        }
        try {
            channel.write(ByteBuffer.wrap(line));
            channel.force(false);
            nextSeq++;
            events.add(Kept.of(e, json));
            if (events.size() > RETAINED + RETAINED / 10) {
                int drop = 0;
                while (events.size() - drop > RETAINED && events.get(drop).seq() <= acked) {
                    drop++;
                }
                events.subList(0, drop).clear();
                rewrite();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to the fleet outbox " + log, ex);
        }
        return e;
    }

    /** Up to {@code max} unacknowledged events, oldest first. */
    public synchronized List<JsonObject> pending(int max) {
        return batch(max, Integer.MAX_VALUE);
    }

    /**
     * The oldest unacknowledged events that make one delivery: at most {@code maxEvents}, and no more than
     * {@code maxChars} characters of JSON together, save that the first is always taken (an event alone is bounded when
     * it is published).
     */
    public synchronized List<JsonObject> batch(int maxEvents, int maxChars) {
        List<JsonObject> out = new ArrayList<>();
        long chars = 0;
        for (int i = firstPending(); i < events.size() && out.size() < maxEvents; i++) {
            Kept k = events.get(i);
            if (!out.isEmpty() && chars + k.chars() > maxChars) {
                break;
            }
            out.add(k.event());
            chars += k.chars();
        }
        return out;
    }

    /** How many events wait for a hub. */
    public synchronized int size() {
        return events.size() - firstPending();
    }

    private int firstPending() {
        int i = events.size();
        while (i > 0 && events.get(i - 1).seq() > acked) {
            i--;
        }
        return i;
    }

    /** The highest sequence number a hub acknowledged. */
    public synchronized long acknowledged() {
        return acked;
    }

    /** The highest sequence number written (0 before the first event). */
    public synchronized long written() {
        return nextSeq - 1;
    }

    /** Records that a hub has every event up to {@code seq}. */
    public synchronized void acknowledge(long seq) {
        if (seq > acked) {
            writeAcked(Math.min(seq, nextSeq - 1));
        }
    }

    /**
     * Takes a hub's {@code lastSeq} at registration:
     * <ul>
     *   <li>as much as was acknowledged, or more of what was written: acknowledges up to it;
     *   <li>less than was acknowledged (the hubs lost their view, or a cluster merge went back): the retained events
     *       after it are pending again, so the hub gets them once more (it drops any it has);
     *   <li>more than was ever written (the view knows this agent from an outbox that is gone, e.g. a wiped data
     *       directory): the hub would drop new events as already seen, so the pending ones are renumbered after its
     *       {@code lastSeq} and numbering goes on from there.
     * </ul>
     */
    public synchronized void registered(long hubLastSeq) {
        try {
            if (hubLastSeq >= nextSeq) {
                long seq = hubLastSeq;
                List<Kept> renumbered = new ArrayList<>();
                for (JsonObject e : pending(Integer.MAX_VALUE)) {
                    JsonObject again = e.copy().put("seq", ++seq);
                    renumbered.add(Kept.of(again, again.encode()));
                }
                events.clear();
                events.addAll(renumbered);
                nextSeq = seq + 1;
                // The log first: if the process dies between the two writes, the old acknowledgement only re-sends
                // events.
                rewrite();
                writeAcked(hubLastSeq);
            } else if (hubLastSeq < acked) {
                writeAcked(hubLastSeq);
            } else {
                acknowledge(hubLastSeq);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the fleet outbox " + log, e);
        }
    }

    private void writeAcked(long seq) {
        try {
            Path tmp = ackFile.resolveSibling(ackFile.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, OwnerOnly.fileAttributes(tmp));
            Files.writeString(tmp, Long.toString(seq));
            Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            acked = seq;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the fleet outbox acknowledgement in " + ackFile, e);
        }
    }

    /** Rewrites the log with the retained events (dropping a torn line, or events beyond retention). */
    private void rewrite() throws IOException {
        if (channel != null) {
            channel.close();
        }
        Path tmp = log.resolveSibling(log.getFileName() + ".tmp");
        StringBuilder text = new StringBuilder();
        for (Kept k : events) {
            text.append(k.event().encode()).append('\n');
        }
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, OwnerOnly.fileAttributes(tmp));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
