package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The in-memory index of one count pool: its entries by CMID and by last-seen order, and its highest threshold. It
 * mirrors what the ledger stores (the host changes it only after the ledger has stored the change) and holds no
 * rules: {@link LedgerKmsHost} decides what expires and what is evicted. Not thread-safe (the host serializes).
 *
 * <p>The last-seen order is an array sorted by (last seen, CMID) between a head and a tail: a request almost always
 * (re)registers its client as the most recently seen, which is an append at the tail, and the table's eviction takes
 * the least recently seen, at the head; both without a search or an allocation. A refreshed client leaves its old
 * place by a shift of the entries after it, which is short: the table holds at most twice its highest threshold
 * (docs/kms-rules.md §1.3), 50 entries at most for the shipped families (a Windows client threshold of 25).
 */
final class PoolTable {
    private final String poolId;
    private final Map<UUID, PoolEntry> byCmid = new HashMap<>();
    // Entries sorted by (last seen, CMID), least recent first, in order[head, tail).
    private PoolEntry[] order = new PoolEntry[16];
    private int head;
    private int tail;
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

    /** Last seen, then CMID: the table's order. */
    private static int compare(PoolEntry a, PoolEntry b) {
        int c = a.lastSeen().compareTo(b.lastSeen());
        return c != 0 ? c : a.cmid().compareTo(b.cmid());
    }

    /**
     * The {@code i}-th least recently seen entry (0 is the least recent), or null past the last: a request walks them
     * by index, without an iterator object per request.
     */
    PoolEntry leastRecent(int i) {
        int at = head + i;
        return at < tail ? order[at] : null;
    }

    /** Entries last seen at or before {@code t}, oldest first. */
    List<PoolEntry> seenAtOrBefore(Instant t) {
        if (head == tail || order[head].lastSeen().isAfter(t)) {
            return List.of(); // the usual case: nothing expired
        }
        List<PoolEntry> old = new ArrayList<>();
        for (int i = head; i < tail && !order[i].lastSeen().isAfter(t); i++) {
            old.add(order[i]);
        }
        return old;
    }

    /** Removes the CMID's entry; returns it, or null if it had none. */
    PoolEntry remove(UUID cmid) {
        PoolEntry old = byCmid.remove(cmid);
        if (old != null) {
            // The entry a full table evicts is the least recently seen, at the head: found without the search, which
            // reads the last-seen times of entries spread over the heap.
            int at = order[head] == old ? head : indexOf(old);
            if (at == head) {
                order[head++] = null;
            } else {
                System.arraycopy(order, at + 1, order, at, tail - at - 1);
                order[--tail] = null;
            }
            if (head == tail) {
                head = 0;
                tail = 0;
            }
        }
        return old;
    }

    /** The slot of an entry the table holds (found by its order: (last seen, CMID) is unique, as the CMID is). */
    private int indexOf(PoolEntry e) {
        int lo = head;
        int hi = tail - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(order[mid], e);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        throw new IllegalStateException("pool " + poolId + ": entry of " + e.cmid() + " is not in its order");
    }

    /** The first slot whose entry was last seen strictly after {@code t} ({@code tail} when none). */
    private int firstAfter(Instant t) {
        int lo = head;
        int hi = tail;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order[mid].lastSeen().isAfter(t)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
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
        int at = firstAfter(t);
        return at < tail ? order[at] : null;
    }

    void put(PoolEntry entry) {
        remove(entry.cmid());
        byCmid.put(entry.cmid(), entry);
        if (tail == order.length) {
            int live = tail - head;
            PoolEntry[] room = live * 2 + 2 <= order.length ? order : new PoolEntry[order.length * 2];
            System.arraycopy(order, head, room, 0, live);
            if (room == order) {
                Arrays.fill(order, live, tail, null);
            }
            order = room;
            head = 0;
            tail = live;
        }
        if (head == tail || compare(order[tail - 1], entry) < 0) {
            order[tail++] = entry; // the usual case: the most recently seen
            return;
        }
        int lo = head;
        int hi = tail;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(order[mid], entry) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        System.arraycopy(order, lo, order, lo + 1, tail - lo);
        order[lo] = entry;
        tail++;
    }

    /** Number of entries last seen strictly after {@code t}. */
    int countSeenAfter(Instant t) {
        return tail - firstAfter(t);
    }

    /** Entries last seen strictly after {@code t}, oldest first. */
    List<PoolEntry> seenAfter(Instant t) {
        return new ArrayList<>(Arrays.asList(order).subList(firstAfter(t), tail));
    }
}
