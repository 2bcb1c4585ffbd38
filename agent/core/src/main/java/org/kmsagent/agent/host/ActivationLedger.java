package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The storage of a KMS host model: each count pool's client entries and highest threshold, and the append-only
 * history of every request. It stores what {@link LedgerKmsHost} decides; it holds none of the counting rules.
 *
 * <p>Threading: implementations are thread-safe (calls are serialized). Failure: a {@link LedgerException} means the
 * update was not stored (rolled back).
 */
public interface ActivationLedger extends AutoCloseable {

    /**
     * Stores one request's changes and its history record in one transaction. In a durable ledger the transaction is
     * committed to the file before this returns: once it returns, the request is acknowledged and survives the process
     * being killed.
     */
    void apply(LedgerUpdate update);

    /** Whether {@link #apply} commits to a file before returning (false for an in-memory ledger). */
    boolean durable();

    /** Every stored pool entry, as the host rebuilds its in-memory index from at open. */
    List<PoolEntry> storedEntries();

    /** Each pool's highest threshold stored so far. */
    Map<String, Integer> storedHighestThresholds();

    /** History records, newest first, skipping {@code offset} records; at most {@code limit}. */
    List<HistoryRecord> historyNewestFirst(long offset, int limit);

    /** History records with host time in {@code [from, to)}, oldest first; at most {@code limit}. */
    List<HistoryRecord> historyBetween(Instant from, Instant to, int limit);

    /** How many requests the history holds. */
    long historySize();

    /** Closes the ledger; a durable one has everything on file. */
    @Override
    void close();
}
