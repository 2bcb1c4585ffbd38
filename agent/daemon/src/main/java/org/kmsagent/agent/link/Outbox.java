package org.kmsagent.agent.link;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.core.AsideName;
import org.kmsagent.agent.core.BoundedLines;
import org.kmsagent.agent.core.DamagedFiles;
import org.kmsagent.agent.core.OwnerOnly;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's fleet events, kept durably so that none is lost while no hub is reachable, the agent restarts, or the
 * hubs lose their view. An append-only file of JSON lines {@code {seq, type, at, data}} (each line forced to disk
 * before {@link #append} returns) plus a small file holding the highest sequence number a hub acknowledged.
 * Sequence numbers start at 1 and never repeat, so a hub drops what it already has (dedup by agent id and seq).
 * A third file names the agent id the outbox belongs to: another agent's outbox, as a copied data folder brings it,
 * is set aside, never delivered as this agent's (see the constructor).
 *
 * <p>Acknowledged events are kept too (the latest {@link #RETAINED}): the agent is the durable source of its own
 * history, and when a hub's view knows less than was acknowledged (every hub was lost at once) they are delivered
 * again ({@link #registered}). Events no hub has taken yet are kept up to {@link #MAX_PENDING}: while no hub answers
 * for long, the oldest are dropped past it, and a WARN line says how many. The file is compacted to what is kept, and
 * read back a line at a time, each line up to {@link #MAX_LINE_BYTES}, so neither the file nor the heap grows without
 * bound.
 *
 * <p>Thread-safe (synchronized). {@link #append}, {@link #acknowledge} and {@link #registered} do file IO: call them
 * off the event loop; the other methods only read memory.
 */
public final class Outbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** How many events the agent keeps for a hub that lost its view; older acknowledged ones are dropped. */
    static final int RETAINED = 10_000;

    /**
     * How many events no hub has taken yet the agent keeps; past it the oldest are dropped, counted and said in a WARN
     * line. The same as {@link #RETAINED}: acknowledged events are dropped first, so the outbox never holds more than
     * that many events in all (plus a tenth before it is compacted), as it did when every event was delivered: about
     * 7 MB of ordinary events, what the agent's small heap ({@code -Xmx64m}) holds beside the rest. A hub that is away
     * long enough for 10,000 events to pile up gets the newest state anyway when the agent registers again. Without
     * a bound, 15,000 undelivered events ran the agent out of memory at start.
     */
    static final int MAX_PENDING = RETAINED;

    /** The file that names the agent id the outbox belongs to. */
    static final String OWNER_FILE = "fleet-outbox.owner";

    /** Events written past a bound before the outbox is compacted (rewritten without those dropped). */
    private static final int SLACK = RETAINED / 10;

    /**
     * The longest line read back as an event. An event is at most {@link FleetAddresses#MAX_EVENT_BYTES} when written,
     * and renumbering after a hub's higher numbers adds a few digits; a longer line is damage (an edit, a file put
     * there by hand), skipped without being read into memory. A 40 MB line read whole ran the agent out of memory.
     */
    static final int MAX_LINE_BYTES = 2 * FleetAddresses.MAX_EVENT_BYTES;

    /** Line numbers a damage report names; the others are counted. */
    private static final int SHOWN_LINES = 5;

    /** What an owner file may name: an agent id, as the hubs take one. */
    private static final Pattern OWNER = FleetConfig.AGENT_ID;

    private final Path log;
    private final Path ackFile;
    private final String owner;
    /** Where another agent's outbox found in the directory went; null when none was. */
    private final Path setAside;
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
    /** Events dropped undelivered since the outbox was opened, past {@link #MAX_PENDING}. */
    private long dropped;

    /** Opens (creating if needed) agent {@code agentId}'s outbox in the directory; a torn last line is dropped. */
    public Outbox(Path dir, String agentId) {
        this(dir, agentId, Clock.systemUTC());
    }

    /**
     * Opens the outbox; {@code clock} names files moved aside. A torn last line (a kill while it was written, never
     * reported as produced) is dropped quietly. Any other line that is not an event, or an acknowledgement file that
     * holds no sequence number, is damage: the file is moved aside ({@link DamagedFiles}), the events that could be
     * read are kept, and {@link #problems()} says what happened. A line longer than {@link #MAX_LINE_BYTES} is such
     * damage, passed over without being read into memory. Without a readable acknowledgement every kept event is
     * pending again (a hub drops those it has). Of more than {@link #MAX_PENDING} pending events, the newest are kept
     * and a WARN line says how many were dropped.
     *
     * <p>The outbox belongs to {@code agentId}, named in {@code fleet-outbox.owner}: its events are delivered as that
     * agent's, and only as its. An outbox another agent wrote (a copied data folder, a cloned machine, an agent whose
     * id changed) is not delivered: the whole directory is moved aside as {@code <dir>.from-<id>.<UTC time>}, nothing
     * in it deleted, a WARN line says so ({@link #setAside()}), and this agent starts an empty outbox. One without an
     * owner file, as earlier versions wrote it, is taken as {@code agentId}'s.
     */
    public Outbox(Path dir, String agentId, Clock clock) {
        if (agentId == null || !OWNER.matcher(agentId).matches()) {
            // Its owner file would not name it when read back, and the outbox be set aside at every start.
            throw new IllegalArgumentException("an outbox belongs to an agent id (" + FleetConfig.AGENT_ID.pattern()
                    + "), not to '" + agentId + "'");
        }
        this.owner = agentId;
        this.log = dir.resolve("fleet-outbox.jsonl");
        this.ackFile = dir.resolve("fleet-outbox.acked");
        try {
            OwnerOnly.directories(dir);
            setAside = claim(dir, clock);
            acked = readAcked(clock);
            long last = 0;
            if (Files.isRegularFile(log)) {
                // Line numbers (from 1) of lines that are not events in order: the first few, and how many. A last line
                // that is not one was torn by a kill while it was written, never reported as produced, and is dropped
                // quietly; so a bad line is counted only once another follows it. A line longer than any event was
                // never written whole by the agent: it is damage wherever it is.
                List<Integer> bad = new ArrayList<>();
                int badCount = 0;
                int held = 0;
                long droppedAtStart = 0;
                try (BoundedLines in = new BoundedLines(Files.newInputStream(log), MAX_LINE_BYTES)) {
                    int number = 0;
                    for (BoundedLines.Line read = in.next(); read != null; read = in.next()) {
                        number++;
                        if (held > 0) {
                            badCount++;
                            if (bad.size() < SHOWN_LINES) {
                                bad.add(held);
                            }
                            held = 0;
                        }
                        String line = read.text();
                        JsonObject e = line == null ? null : parse(line);
                        if (e != null && e.getLong("seq") > last) {
                            last = e.getLong("seq");
                            events.add(Kept.of(e, line));
                            if (events.size() > RETAINED + SLACK) {
                                droppedAtStart += trim();
                            }
                        } else if (read.tooLong()) {
                            badCount++;
                            if (bad.size() < SHOWN_LINES) {
                                bad.add(number);
                            }
                        } else if (line == null || !line.isBlank()) {
                            held = number;
                        }
                    }
                }
                droppedAtStart += trim();
                if (droppedAtStart > 0) {
                    warnDropped(droppedAtStart);
                }
                if (badCount > 0) {
                    Path aside = DamagedFiles.moveAside(log, clock);
                    problems.add("fleet outbox " + log + " was damaged (" + badCount + " unreadable line(s): "
                            + lineNumbers(bad, badCount) + "); moved to " + aside + "; the " + events.size()
                            + " readable event(s) are kept");
                }
            }
            nextSeq = Math.max(last, acked) + 1;
            rewrite();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fleet outbox in " + dir, e);
        }
    }

    /**
     * Makes the directory this agent's outbox: moves another agent's outbox aside (returning where), and records the
     * owner when no owner file names one.
     */
    private Path claim(Path dir, Clock clock) throws IOException {
        Path ownerFile = dir.resolve(OWNER_FILE);
        Path aside = null;
        if (Files.exists(ownerFile, LinkOption.NOFOLLOW_LINKS)) {
            String found = readOwner(ownerFile);
            if (owner.equals(found)) {
                return null;
            }
            aside = moveAside(dir, found == null ? "unknown-agent" : found, clock);
            if (found == null) {
                LOG.warn(
                        "fleet outbox {}: its owner file names no agent id, so whose events it holds is not known"
                                + " and they are not delivered as agent {}'s: moved to {} (nothing deleted), and {}"
                                + " starts a new outbox",
                        dir,
                        owner,
                        aside,
                        owner);
            } else {
                LOG.warn(
                        "fleet outbox {} holds the events of agent {}, not of this agent {}, so they are not"
                                + " delivered as {}'s: moved to {} (nothing deleted), and {} starts a new outbox. A"
                                + " copied data folder or a cloned machine does this (clones also share CMIDs: ctl"
                                + " --hub HUB fleet duplicates), as does a change of this agent's id (fleet.agentId,"
                                + " its credential, its host name): what {} had not delivered is kept there",
                        dir,
                        found,
                        owner,
                        owner,
                        aside,
                        owner,
                        found);
            }
            OwnerOnly.directories(dir);
        }
        Path tmp = ownerFile.resolveSibling(OWNER_FILE + ".tmp");
        OwnerOnly.freshFile(tmp);
        Files.writeString(tmp, owner + "\n");
        Files.move(tmp, ownerFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return aside;
    }

    /** The agent id an owner file names; null when it names none (damage, or an edit). */
    private static String readOwner(Path ownerFile) throws IOException {
        if (Files.size(ownerFile) > 1024) {
            return null;
        }
        try {
            String text = Files.readString(ownerFile).strip();
            return OWNER.matcher(text).matches() ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Moves the outbox's directory, whole, to {@code <dir>.from-<id>.<UTC time>} beside it ({@code -2}, {@code -3}… if
     * that name is taken): one rename, so a crash leaves the outbox either where it was (set aside at the next start)
     * or moved.
     */
    private static Path moveAside(Path dir, String from, Clock clock) throws IOException {
        Path aside = AsideName.free(dir, ".from-" + from + ".", clock);
        try {
            return Files.move(dir, aside);
        } catch (IOException e) {
            throw new IOException(
                    "the outbox in " + dir + " is another agent's and cannot be moved aside to " + aside + " (" + e
                            + "); move that folder out of the way by hand",
                    e);
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

    /**
     * Where the outbox found in the directory was moved when it was opened, because it was another agent's (or its
     * owner file named none); empty when it was this agent's, of an earlier version, or new.
     */
    public Optional<Path> setAside() {
        return Optional.ofNullable(setAside);
    }

    /** The agent id the outbox belongs to: the one it was opened for. */
    public String owner() {
        return owner;
    }

    /** What was found damaged when the outbox was opened; empty when nothing was. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** The first few line numbers, as a damage report names them: {@code 3, 7, 12 and 4 more}. */
    private static String lineNumbers(List<Integer> shown, int count) {
        String text = "line " + shown.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return count > shown.size() ? text + " and " + (count - shown.size()) + " more" : text;
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
            if (events.size() > RETAINED + SLACK) {
                long lost = trim();
                rewrite();
                if (lost > 0) {
                    warnDropped(lost);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to the fleet outbox " + log, ex);
        }
        return e;
    }

    /**
     * Drops the oldest acknowledged events while more than {@link #RETAINED} are kept in all, then the oldest pending
     * ones beyond {@link #MAX_PENDING}; returns how many pending ones it dropped (counted in {@link #dropped()}).
     */
    private long trim() {
        int drop = 0;
        while (events.size() - drop > RETAINED && events.get(drop).seq() <= acked) {
            drop++;
        }
        events.subList(0, drop).clear();
        int first = firstPending();
        int lost = Math.max(0, events.size() - first - MAX_PENDING);
        events.subList(first, first + lost).clear();
        dropped += lost;
        return lost;
    }

    private void warnDropped(long lost) {
        LOG.warn(
                "fleet outbox: no hub has taken the agent's events for a long while; the {} oldest were dropped to keep"
                        + " the newest {} (the oldest kept is from {}; {} dropped since the agent started)",
                lost,
                MAX_PENDING,
                events.get(firstPending()).event().getString("at"),
                dropped);
    }

    /** How many events were dropped since the outbox was opened because no hub took them ({@link #MAX_PENDING}). */
    public synchronized long dropped() {
        return dropped;
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
            OwnerOnly.freshFile(tmp);
            Files.writeString(tmp, Long.toString(seq));
            Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            acked = seq;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the fleet outbox acknowledgement in " + ackFile, e);
        }
    }

    /** Rewrites the log with the retained events (dropping a torn line, or events beyond the bounds). */
    private void rewrite() throws IOException {
        if (channel != null) {
            channel.close();
        }
        Path tmp = log.resolveSibling(log.getFileName() + ".tmp");
        // Owner-only from the start, as every data file (OwnerOnly); the umask gave the events to every user.
        OwnerOnly.freshFile(tmp);
        // Line by line: the whole text at once was a second copy of the outbox in the agent's small heap.
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (Kept k : events) {
                out.write(k.event().encode());
                out.write('\n');
            }
        }
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
