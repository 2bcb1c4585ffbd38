package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.kmsagent.api.HResult;

/**
 * An append-only history held in columns, about 32 bytes a request: host and client time as epoch milliseconds,
 * references to the CMID and machine name the caller already holds, the count, and an index into a small table of
 * the fields that repeat (family, edition, pool, product group, required count, result). A year of a million
 * machines is some 60 million requests: as {@link HistoryRecord} objects with their two {@link Instant}s that would
 * be about 7 GB, in columns about 2 GB.
 *
 * <p>Exact: a record whose times are not whole milliseconds is kept as it came, beside the columns. Not thread-safe
 * (the ledger serializes).
 */
final class HistoryColumns {
    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MASK = CHUNK - 1;

    /** The fields that take few distinct values. */
    private record Shape(
            String familyId, String skuName, String poolId, String productGroup, int requiredCount, HResult result) {}

    private static final class Chunk {
        final long[] hostMillis = new long[CHUNK];
        final long[] clientMillis = new long[CHUNK];
        final UUID[] cmid = new UUID[CHUNK];
        final String[] machine = new String[CHUNK];
        final int[] shape = new int[CHUNK];
        final int[] count = new int[CHUNK];
    }

    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private final Map<Shape, Integer> shapeIndex = new HashMap<>();
    private final Map<Integer, HistoryRecord> irregular = new HashMap<>();
    private final int[] recent = {-1, -1, -1, -1, -1, -1, -1, -1};
    private int nextRecent;
    private int size;

    int size() {
        return size;
    }

    void add(HistoryRecord h) {
        if (size == Integer.MAX_VALUE) {
            throw new LedgerException("the in-memory history is full (" + size + " requests)");
        }
        int i = size & MASK;
        if (i == 0) {
            chunks.add(new Chunk());
        }
        Chunk c = chunks.get(size >>> CHUNK_BITS);
        if (h.hostTime().getNano() % 1_000_000 != 0 || h.clientTime().getNano() % 1_000_000 != 0) {
            irregular.put(size, h);
        } else {
            c.hostMillis[i] = h.hostTime().toEpochMilli();
            c.clientMillis[i] = h.clientTime().toEpochMilli();
            c.cmid[i] = h.cmid();
            c.machine[i] = h.machineName();
            c.shape[i] = shapeOf(h);
            c.count[i] = h.count();
        }
        size++;
    }

    /**
     * The shape's index: first among the few shapes seen last, compared by identity (the host passes the same
     * strings and results again and again), else through the map.
     */
    private int shapeOf(HistoryRecord h) {
        for (int r = 0; r < recent.length; r++) {
            int k = recent[r];
            if (k < 0) {
                break;
            }
            Shape s = shapes.get(k);
            if (s.familyId() == h.familyId()
                    && s.skuName() == h.skuName()
                    && s.poolId() == h.poolId()
                    && s.productGroup() == h.productGroup()
                    && s.requiredCount() == h.requiredCount()
                    && s.result() == h.result()) {
                return k;
            }
        }
        int k = shapeOf(
                new Shape(h.familyId(), h.skuName(), h.poolId(), h.productGroup(), h.requiredCount(), h.result()));
        recent[nextRecent] = k;
        nextRecent = (nextRecent + 1) % recent.length;
        return k;
    }

    private int shapeOf(Shape s) {
        Integer known = shapeIndex.get(s);
        if (known == null) {
            known = shapes.size();
            shapes.add(s);
            shapeIndex.put(s, known);
        }
        return known;
    }

    /** Host time of the record at {@code index} (0-based). */
    Instant hostTime(int index) {
        HistoryRecord odd = irregular.isEmpty() ? null : irregular.get(index);
        if (odd != null) {
            return odd.hostTime();
        }
        return Instant.ofEpochMilli(chunks.get(index >>> CHUNK_BITS).hostMillis[index & MASK]);
    }

    /** The record at {@code index} (0-based), with the given sequence number. */
    HistoryRecord get(int index, long sequence) {
        HistoryRecord odd = irregular.isEmpty() ? null : irregular.get(index);
        if (odd != null) {
            return new HistoryRecord(
                    sequence,
                    odd.hostTime(),
                    odd.clientTime(),
                    odd.cmid(),
                    odd.machineName(),
                    odd.familyId(),
                    odd.skuName(),
                    odd.poolId(),
                    odd.productGroup(),
                    odd.requiredCount(),
                    odd.result(),
                    odd.count());
        }
        Chunk c = chunks.get(index >>> CHUNK_BITS);
        int i = index & MASK;
        Shape s = shapes.get(c.shape[i]);
        return new HistoryRecord(
                sequence,
                Instant.ofEpochMilli(c.hostMillis[i]),
                Instant.ofEpochMilli(c.clientMillis[i]),
                c.cmid[i],
                c.machine[i],
                s.familyId(),
                s.skuName(),
                s.poolId(),
                s.productGroup(),
                s.requiredCount(),
                s.result(),
                c.count[i]);
    }
}
