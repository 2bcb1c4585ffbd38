package org.kmsagent.agent.licensing.eventlog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.host.ObservedRequest;
import org.kmsagent.agent.host.ObservedRequestLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a genuine KMS host's "Key Management Service" event log into the agent's durable ledger (docs/host.md
 * "Watching a genuine host"). Each {@link #poll} reads the events logged since the saved bookmark, stores the
 * requests (event 12290) in the ledger in one transaction, and only then saves the bookmark: a crash in between
 * re-reads those events, and the ledger, which keeps each event once, ignores them. The ledger is append-only, so
 * clearing the Windows log loses nothing already read.
 *
 * <p>A cleared (or overwritten) log is noticed when the bookmarked event is gone or another event now carries its
 * record id; the watcher then reads the log from its oldest event. Malformed events are skipped, logged with their
 * record id and counted. Not thread-safe: one poll at a time.
 */
public final class KmsEventWatcher {
    /** The channel event 12290 goes to. */
    public static final String CHANNEL = "Key Management Service";
    /** Only the requests. */
    public static final String QUERY = "*[System[(EventID=12290)]]";

    private static final Logger LOG = LoggerFactory.getLogger(KmsEventWatcher.class);
    static final int BATCH = 64;

    private final EventChannel channel;
    private final ObservedRequestLog ledger;
    private final Path bookmarkFile;
    private final int maxBatches;
    private long malformedTotal;

    /**
     * @param bookmarkFile where the bookmark is kept (in the data directory)
     * @param maxBatches at most this many batches of {@value #BATCH} events per poll (the rest waits for the next)
     */
    public KmsEventWatcher(EventChannel channel, ObservedRequestLog ledger, Path bookmarkFile, int maxBatches) {
        this.channel = channel;
        this.ledger = ledger;
        this.bookmarkFile = bookmarkFile;
        this.maxBatches = maxBatches;
    }

    /**
     * What one poll did.
     *
     * @param read events read from the log
     * @param stored requests newly stored in the ledger
     * @param malformed events skipped as unreadable (each logged with its record id)
     * @param restarted whether the bookmarked event was gone (log cleared or overwritten) and the log was read from
     *     its oldest event
     * @param more whether the poll stopped at its batch limit with events left
     */
    public record Poll(int read, int stored, int malformed, boolean restarted, boolean more) {}

    /** Malformed events skipped since this watcher was made. */
    public long malformedTotal() {
        return malformedTotal;
    }

    /** Reads what was logged since the last poll (or since the saved bookmark) into the ledger. */
    public Poll poll() throws EventLogReadException, IOException {
        Optional<SavedBookmark> saved = SavedBookmark.read(bookmarkFile);
        EventChannel.Query q = channel.query(CHANNEL, QUERY);
        boolean restarted = false;
        try {
            if (saved.isPresent() && !positioned(q, saved.get())) {
                LOG.warn(
                        "event log '{}': the event of the saved bookmark (record {}) is gone - the log was cleared or"
                                + " overwritten; reading it again from its oldest event (requests already stored are kept, not stored"
                                + " twice)",
                        CHANNEL,
                        saved.get().recordId());
                q.close();
                q = channel.query(CHANNEL, QUERY);
                restarted = true;
            }
            int read = 0;
            int stored = 0;
            int malformed = 0;
            for (int b = 0; b < maxBatches; b++) {
                EventChannel.Batch batch = q.next(BATCH);
                if (batch.events().isEmpty()) {
                    if (restarted && read == 0) {
                        // Cleared and still empty: nothing to bookmark, and the next poll need not warn again.
                        Files.deleteIfExists(bookmarkFile);
                    }
                    return new Poll(read, stored, malformed, restarted, false);
                }
                List<ObservedRequest> requests = new ArrayList<>();
                for (String xml : batch.events()) {
                    read++;
                    try {
                        KmsEventXml.parse(xml).ifPresent(requests::add);
                    } catch (MalformedEventException e) {
                        malformed++;
                        malformedTotal++;
                        LOG.warn(
                                "event log '{}': skipped record {}: {}",
                                CHANNEL,
                                e.recordId() < 0 ? "?" : e.recordId(),
                                e.getMessage());
                    }
                }
                String last = batch.events().get(batch.events().size() - 1);
                int added = requests.isEmpty() ? 0 : ledger.appendObserved(requests);
                stored += added;
                new SavedBookmark(batch.bookmarkXml(), recordId(last), SavedBookmark.digest(last)).write(bookmarkFile);
            }
            return new Poll(read, stored, malformed, restarted, true);
        } finally {
            q.close();
        }
    }

    /**
     * Puts the query just after the saved event. False when that event is gone or the event now at its place is not
     * it (another event reusing its record id after a clear).
     */
    private static boolean positioned(EventChannel.Query q, SavedBookmark saved) throws EventLogReadException {
        if (!q.seek(saved.bookmarkXml())) {
            return false;
        }
        EventChannel.Batch first = q.next(1);
        return !first.events().isEmpty()
                && SavedBookmark.digest(first.events().get(0)).equals(saved.digest());
    }

    private static long recordId(String xml) {
        try {
            return KmsEventXml.key(xml).recordId();
        } catch (MalformedEventException e) {
            return e.recordId();
        }
    }
}
