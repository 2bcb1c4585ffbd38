package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The simulator's activation ledger: each pool's entries and highest threshold in plain Java collections, and the
 * request history counted but not kept. Nothing survives the process.
 *
 * <p>Why no history: a simulation never reads its host's request history (no timeline event, report section or
 * what-if answer comes from it), yet keeping it was most of a simulated machine's memory and grew with every request
 * (about 2,000 of 3,000 bytes a machine after a year, 2 GB for a year of a million machines), and a sixth of a large
 * fleet's time (docs/performance-log.md, "Morning of 2026-12-04"). The pool tables and thresholds are kept exactly as
 * {@link H2ActivationLedger} keeps them (the contract tests), which is all {@link LedgerKmsHost} reads back. A host
 * whose history is read (a KMS host the agent runs) uses the H2 ledger; here the history queries are refused with a
 * {@link LedgerException} that says so, rather than answered with an empty history that would look like no requests.
 *
 * <p>Thread-safe: every method is synchronized on the ledger.
 */
public final class MemoryActivationLedger implements ActivationLedger {
    private final Map<String, Map<UUID, PoolEntry>> entries = new HashMap<>();
    private final Map<String, Integer> thresholds = new TreeMap<>();
    private long requests;
    private boolean closed;

    @Override
    public synchronized void apply(LedgerUpdate update) {
        checkOpen();
        Map<UUID, PoolEntry> pool = entries.computeIfAbsent(update.poolId(), p -> new HashMap<>());
        List<UUID> dropped = update.dropped();
        for (int i = 0; i < dropped.size(); i++) { // indexed: one request at a time, no iterator object each
            pool.remove(dropped.get(i));
        }
        if (update.registered().isPresent()) {
            PoolEntry e = update.registered().get();
            pool.put(e.cmid(), e);
        }
        if (update.highestThreshold().isPresent()) {
            thresholds.put(update.poolId(), update.highestThreshold().getAsInt());
        }
        requests++;
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public synchronized List<PoolEntry> storedEntries() {
        checkOpen();
        List<PoolEntry> all = new ArrayList<>();
        entries.values().forEach(pool -> all.addAll(pool.values()));
        all.sort(Comparator.comparing(PoolEntry::poolId).thenComparing(PoolEntry::lastSeen));
        return all;
    }

    @Override
    public synchronized Map<String, Integer> storedHighestThresholds() {
        checkOpen();
        return new LinkedHashMap<>(thresholds);
    }

    /** Refused: this ledger keeps no history (see the class comment). */
    @Override
    public List<HistoryRecord> historyNewestFirst(long offset, int limit) {
        throw noHistory();
    }

    /** Refused: this ledger keeps no history (see the class comment). */
    @Override
    public List<HistoryRecord> historyBetween(Instant from, Instant to, int limit) {
        throw noHistory();
    }

    /** How many requests were applied, refused ones included: the size the history would have. */
    @Override
    public synchronized long historySize() {
        checkOpen();
        return requests;
    }

    private static LedgerException noHistory() {
        return new LedgerException("the simulator's in-memory ledger counts requests but keeps no history of them"
                + " (use an H2 ledger for a host whose history is read)");
    }

    private void checkOpen() {
        if (closed) {
            throw new LedgerException("the in-memory activation ledger is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
