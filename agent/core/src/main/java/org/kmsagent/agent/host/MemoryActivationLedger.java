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
 * An activation ledger in plain Java collections, for simulations that need speed over everything else: no database,
 * nothing survives the process. It stores exactly what {@link H2ActivationLedger} stores (same contract tests), and
 * keeps the whole history in memory, in columns of about 32 bytes a request ({@link HistoryColumns}).
 *
 * <p>Thread-safe: every method is synchronized on the ledger.
 */
public final class MemoryActivationLedger implements ActivationLedger {
    private final Map<String, Map<UUID, PoolEntry>> entries = new HashMap<>();
    private final Map<String, Integer> thresholds = new TreeMap<>();
    // Stored as the host made them (sequence 0); the sequence is the position + 1, set when read.
    private final HistoryColumns history = new HistoryColumns();
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
        history.add(update.history());
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

    @Override
    public synchronized List<HistoryRecord> historyNewestFirst(long offset, int limit) {
        checkOpen();
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("history page: offset and limit must not be negative");
        }
        List<HistoryRecord> page = new ArrayList<>(Math.min(limit, 1024));
        for (long i = history.size() - 1 - offset; i >= 0 && page.size() < limit; i--) {
            page.add(stored((int) i));
        }
        return page;
    }

    @Override
    public synchronized List<HistoryRecord> historyBetween(Instant from, Instant to, int limit) {
        checkOpen();
        List<HistoryRecord> found = new ArrayList<>();
        for (int i = 0; i < history.size() && found.size() < limit; i++) {
            Instant t = history.hostTime(i);
            if (!t.isBefore(from) && t.isBefore(to)) {
                found.add(stored(i));
            }
        }
        return found;
    }

    @Override
    public synchronized long historySize() {
        checkOpen();
        return history.size();
    }

    private HistoryRecord stored(int index) {
        return history.get(index, index + 1L);
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
