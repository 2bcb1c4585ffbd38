package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The in-memory index of one count pool: its entries by CMID and by last-seen order, and its highest threshold. It
 * mirrors what the ledger stores (the host changes it only after the ledger has stored the change) and holds no
 * rules: {@link LedgerKmsHost} decides what expires and what is evicted. Not thread-safe (the host serializes).
 */
final class PoolTable {
    // Last seen, then CMID: written out rather than chained (Comparator.comparing(...).thenComparing(...)), which
    // costs two lambda hops per comparison on the host's hottest path.
    private static final Comparator<PoolEntry> LEAST_RECENT_FIRST = (a, b) -> {
        int c = a.lastSeen().compareTo(b.lastSeen());
        return c != 0 ? c : a.cmid().compareTo(b.cmid());
    };

    private final String poolId;
    private final Map<UUID, PoolEntry> byCmid = new HashMap<>();
    private final TreeSet<PoolEntry> byLastSeen = new TreeSet<>(LEAST_RECENT_FIRST);
    private int highestThreshold;
    // Entries last seen at or before this were already told as aged out (EntryListener): told once, whether found by a
    // report or while a request drops them.
    private Instant agedOutThrough = Instant.MIN;

    PoolTable(String poolId) {
        this.poolId = poolId;
    }

    String poolId() {
        return poolId;
    }

    int size() {
        return byCmid.size();
    }

    boolean contains(UUID cmid) {
        return byCmid.containsKey(cmid);
    }

    int highestThreshold() {
        return highestThreshold;
    }

    void setHighestThreshold(int threshold) {
        highestThreshold = threshold;
    }

    /** Entries, least recently seen first (a live iterator: do not change the table while iterating). */
    Iterator<PoolEntry> leastRecentFirst() {
        return byLastSeen.iterator();
    }

    /** Entries last seen at or before {@code t}, oldest first. */
    List<PoolEntry> seenAtOrBefore(Instant t) {
        if (byLastSeen.isEmpty() || byLastSeen.first().lastSeen().isAfter(t)) {
            return List.of(); // the usual case: nothing expired
        }
        List<PoolEntry> old = new ArrayList<>();
        for (PoolEntry e : byLastSeen) {
            if (e.lastSeen().isAfter(t)) {
                break;
            }
            old.add(e);
        }
        return old;
    }

    /** Removes the CMID's entry; returns it, or null if it had none. */
    PoolEntry remove(UUID cmid) {
        PoolEntry old = byCmid.remove(cmid);
        if (old != null) {
            byLastSeen.remove(old);
        }
        return old;
    }

    Instant agedOutThrough() {
        return agedOutThrough;
    }

    void setAgedOutThrough(Instant t) {
        if (t.isAfter(agedOutThrough)) {
            agedOutThrough = t;
        }
    }

    /** The least recently seen entry last seen strictly after {@code t}, or null. */
    PoolEntry firstSeenAfter(Instant t) {
        return byLastSeen.higher(new PoolEntry(poolId, new UUID(Long.MAX_VALUE, Long.MAX_VALUE), "", t));
    }

    void put(PoolEntry entry) {
        remove(entry.cmid());
        byCmid.put(entry.cmid(), entry);
        byLastSeen.add(entry);
    }

    /** Number of entries last seen strictly after {@code t}. */
    int countSeenAfter(Instant t) {
        return byLastSeen
                .tailSet(new PoolEntry(poolId, new UUID(Long.MAX_VALUE, Long.MAX_VALUE), "", t), false)
                .size();
    }

    /** Entries last seen strictly after {@code t}, oldest first. */
    List<PoolEntry> seenAfter(Instant t) {
        return new ArrayList<>(
                byLastSeen.tailSet(new PoolEntry(poolId, new UUID(Long.MAX_VALUE, Long.MAX_VALUE), "", t), false));
    }
}
