package org.kmsagent.agent.bus.audit;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.kmsagent.agent.core.BoundedLines;
import org.kmsagent.agent.core.FileReason;
import org.kmsagent.agent.core.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit log: {@code audit.log} in the data directory, one {@link AuditRecord} per line as JSON, forced
 * to disk as soon as written (records arriving together share one sync). Only ever appended to: a record is never changed or removed, except
 * that past {@link #MAX_FILE_BYTES} the file is rotated ({@code audit.log.1} … {@code audit.log.}{@link #KEPT_FILES},
 * the oldest dropped), so the log is bounded. Created owner-only ({@code 0600}) where the file system has POSIX
 * permissions, like {@code state.json}; files found at start with another mode are made so.
 *
 * <p>Threading: {@link #record} only stamps the time and queues (at most {@link #MAX_PENDING}); one thread of its own
 * writes, in the order recorded, so callers on event loops never wait for a disk. {@link #read} runs on that thread too, so it sees every
 * record made before it was called. A write that fails is logged and the agent carries on; a line that cannot be read
 * back (a torn write, an edit) is skipped with a warning.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** The file's name in the data directory. */
    public static final String FILE_NAME = "audit.log";
    /** Size past which the log is rotated. */
    public static final long MAX_FILE_BYTES = 10L * 1024 * 1024;
    /** Rotated files kept besides the current one: at most about 60 MiB in all. */
    public static final int KEPT_FILES = 5;
    /**
     * Records that may wait for the disk at once. Admin actions are rare; only a flood of refused requests comes near
     * it, and then memory stays bounded: records beyond it are dropped, and counted in an ERROR line.
     */
    static final int MAX_PENDING = 10_000;
    /**
     * The longest line read back as a record; a longer one is damage, skipped and counted without being held (a 40 MB
     * line read whole ran {@code ctl audit} out of the agent's heap). A record is a few hundred bytes: its fields are
     * names, an address and a target whose values are bounded, and it travels to the hubs in a fleet event of at most
     * {@code FleetAddresses.MAX_EVENT_BYTES} (16 KiB). 1 MiB leaves a wide margin and is still little to hold at once.
     */
    static final int MAX_LINE_BYTES = 1024 * 1024;

    private final Path file;
    private final Clock clock;
    private final long maxFileBytes;
    private final int keptFiles;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kmsagent-audit");
        t.setDaemon(true);
        return t;
    });
    private final List<Consumer<AuditRecord>> listeners = new CopyOnWriteArrayList<>();
    /** Records waiting for the writer thread, at most {@link #MAX_PENDING}. */
    private final Queue<AuditRecord> pending = new ConcurrentLinkedQueue<>();

    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private FileChannel channel;
    private boolean failing;
    private boolean rotationFailing;

    /** What {@link #read} found: the records asked for, oldest first, and how many damaged lines it skipped. */
    public record Page(List<AuditRecord> records, int skipped) {}

    /** The log {@code audit.log} in a data directory. */
    public static AuditLog in(Path dataDir, Clock clock) {
        return new AuditLog(dataDir.resolve(FILE_NAME), clock, MAX_FILE_BYTES, KEPT_FILES);
    }

    /**
     * @param maxFileBytes size past which the file is rotated
     * @param keptFiles rotated files kept
     * @throws UncheckedIOException the file cannot be opened for appending
     */
    public AuditLog(Path file, Clock clock, long maxFileBytes, int keptFiles) {
        this.file = file.toAbsolutePath();
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
        this.keptFiles = keptFiles;
        try {
            tightenExisting();
            open();
        } catch (IOException e) {
            // The reason in the message itself: a hub prints the message alone, and "cannot open the audit log
            // FILE" left the user to guess (a directory there, no permission, a full disk).
            throw new UncheckedIOException("cannot open the audit log " + this.file + " (" + FileReason.of(e) + ")", e);
        }
    }

    /** The current file. */
    public Path file() {
        return file;
    }

    /**
     * The time a record without one is given: now, to the millisecond (enough to order what people did, and it keeps
     * the lines short). Also for records written elsewhere when the log is off ({@code daemon.AgentAudit}).
     */
    public static Instant stamp(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Calls the consumer (on the log's thread) with every record once it is on disk: forwarding to the hubs. */
    public void onRecorded(Consumer<AuditRecord> listener) {
        listeners.add(listener);
    }

    @Override
    public void record(AuditRecord record) {
        AuditRecord stamped = record.at() == null ? record.at(stamp(clock)) : record;
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        pending.add(stamped);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                writer.execute(this::drain);
            } catch (RejectedExecutionException closed) {
                LOG.warn(
                        "audit: not recorded (the log is closed): {} {} by '{}'",
                        stamped.action(),
                        stamped.result(),
                        stamped.actor());
            }
        }
    }

    /**
     * Writes every queued record, then forces them to disk together: one sync for a burst (a flood of refused
     * requests) instead of one per line, so the queue drains as fast as they come.
     */
    private void drain() {
        drainScheduled.set(false);
        List<AuditRecord> batch = new ArrayList<>();
        for (AuditRecord r = pending.poll(); r != null; r = pending.poll()) {
            pendingCount.decrementAndGet();
            batch.add(r);
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.error("audit: {} record(s) dropped: more than {} were waiting for the disk", lost, MAX_PENDING);
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    /**
     * The records at or after {@code since} (all when null), at most the newest {@code limit}, oldest first, from the
     * rotated files and the current one. Damaged lines are skipped and counted.
     */
    public CompletableFuture<Page> read(Instant since, int limit) {
        return CompletableFuture.supplyAsync(() -> readNow(since, limit), writer);
    }

    /**
     * Makes the files already there ({@code audit.log} and its rotated ones) owner-only, where the file system has
     * POSIX permissions: a log restored from a backup, copied in, or loosened by hand kept its mode (0644, every
     * account reading who did what) while the ledger beside it was tightened at every start. Files the log creates are
     * owner-only from their first moment ({@link #open}).
     */
    private void tightenExisting() throws IOException {
        for (int age = 0; age <= keptFiles; age++) {
            Path f = age == 0 ? file : rotated(age);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                OwnerOnly.file(f);
            } catch (IOException e) {
                // Another account's file this one may write: not this account's to keep private.
                throw new FileSystemException(
                        f.toString(),
                        null,
                        "cannot make " + f.getFileName() + " its owner's only: " + FileReason.of(e));
            }
        }
    }

    private void open() throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            OwnerOnly.directories(dir);
        }
        boolean torn = false;
        if (Files.exists(file) && Files.size(file) > 0) {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                in.read(last, in.size() - 1);
                torn = last.get(0) != '\n';
            }
        }
        channel = FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                OwnerOnly.fileAttributes(file));
        if (torn) {
            // A write torn by a crash: the next record starts on a line of its own (the torn one is skipped on
            // reading).
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
            channel.force(false);
        }
    }

    private void write(List<AuditRecord> batch) {
        try {
            for (AuditRecord record : batch) {
                byte[] line = (record.toJson().encode() + "\n").getBytes(StandardCharsets.UTF_8);
                if (channel.size() > 0 && channel.size() + line.length > maxFileBytes) {
                    channel.force(false);
                    rotate();
                }
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
            channel.force(false);
            if (failing) {
                failing = false;
                LOG.info("audit: writing to {} works again", file);
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                LOG.error(
                        "audit: cannot write to {} ({}); records are logged here until it works again",
                        file,
                        e.toString());
            }
            batch.forEach(r -> LOG.warn("audit: {}", r.toJson().encode()));
            return;
        }
        for (AuditRecord record : batch) {
            for (Consumer<AuditRecord> l : listeners) {
                try {
                    l.accept(record);
                } catch (RuntimeException e) {
                    LOG.warn("audit: forwarding a record failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Moves the full file to {@code .1} (and each older one up, the oldest kept dropped). A rotation that cannot be done
     * (on Windows, a file of the chain held open by another program) changes nothing: every file is first moved aside
     * to a temporary name, and moved back if one cannot be, before the oldest is deleted. The current file is then
     * opened again and written past its size, and rotation is tried again at the next record; said once, and again
     * when it works. (Shifting in place deleted the oldest file at each failed attempt, one per record.)
     */
    private void rotate() throws IOException {
        channel.close();
        try {
            if (keptFiles == 0) {
                Files.delete(file);
            } else {
                shiftAll();
            }
            LOG.info(
                    "audit: {} reached {} bytes; rotated (the {} newest files are kept){}",
                    file,
                    maxFileBytes,
                    keptFiles + 1,
                    rotationFailing ? "; rotation works again" : "");
            rotationFailing = false;
        } catch (IOException e) {
            if (!rotationFailing) {
                rotationFailing = true;
                LOG.warn("audit: {} could not be rotated ({}); records go on being written to it", file, e.toString());
            }
        } finally {
            open();
        }
    }

    /** The current file to {@code .1}, {@code .1} to {@code .2}, ...: all or nothing, as far as renames allow. */
    private void shiftAll() throws IOException {
        record Aside(int age, Path name, Path temporary) {} // age 0: the current file; n: rotated(n)
        List<Aside> aside = new ArrayList<>();
        try {
            for (int age = 0; age < keptFiles; age++) {
                Path name = age == 0 ? file : rotated(age);
                if (Files.exists(name)) {
                    Path temporary = name.resolveSibling(name.getFileName() + ".rotating");
                    Files.move(name, temporary, StandardCopyOption.REPLACE_EXISTING);
                    aside.add(new Aside(age, name, temporary));
                }
            }
            Files.deleteIfExists(rotated(keptFiles));
        } catch (IOException e) {
            for (int i = aside.size() - 1; i >= 0; i--) {
                try {
                    Files.move(aside.get(i).temporary(), aside.get(i).name());
                } catch (IOException notBack) {
                    e.addSuppressed(notBack); // left under its temporary name, which read() does not see
                }
            }
            throw e;
        }
        for (int i = aside.size() - 1; i >= 0; i--) {
            Files.move(aside.get(i).temporary(), rotated(aside.get(i).age() + 1), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path rotated(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private Page readNow(Instant since, int limit) {
        ArrayDeque<AuditRecord> newest = new ArrayDeque<>();
        int skipped = 0;
        List<Path> files = new ArrayList<>();
        for (int i = keptFiles; i >= 1; i--) {
            files.add(rotated(i));
        }
        files.add(file);
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            int bad = 0;
            try (BoundedLines in = new BoundedLines(Files.newInputStream(f), MAX_LINE_BYTES)) {
                for (BoundedLines.Line read = in.next(); read != null; read = in.next()) {
                    if (read.tooLong()) {
                        bad++;
                        continue;
                    }
                    // Bytes that are not UTF-8 are replaced (U+FFFD), as before: the rest of the record still reads.
                    String line = new String(read.bytes(), StandardCharsets.UTF_8);
                    if (line.isBlank()) {
                        continue;
                    }
                    AuditRecord r;
                    try {
                        r = AuditRecord.fromJson(new JsonObject(line));
                    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
                        bad++;
                        continue;
                    }
                    if (since == null || !r.at().isBefore(since)) {
                        newest.addLast(r);
                        if (newest.size() > limit) {
                            newest.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("audit: cannot read {}: {}", f, e.toString());
            }
            if (bad > 0) {
                LOG.warn("audit: skipped {} damaged line(s) in {}", bad, f);
                skipped += bad;
            }
        }
        return new Page(List.copyOf(newest), skipped);
    }

    /** Writes what was recorded, then closes the file. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("audit: records still queued at shutdown were not written");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("audit: closing {}: {}", file, e.toString());
        }
    }
}
