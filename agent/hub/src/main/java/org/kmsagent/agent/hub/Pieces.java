package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A list per agent kept in a cluster map in pieces of a fixed size, under the keys {@code agentId/0},
 * {@code agentId/1}, ..., of which only the newest {@code keep} entries are kept: an agent's event history
 * ({@link FleetMaps}) and its forwarded audit records ({@link HubAudit}). Appending reads and writes the last piece
 * only, and drops the pieces that fall out of the newest, so a batch costs the same however long the list has grown
 * and an agent holds a bounded share of every hub's heap. How many entries an agent has had is counted by its record,
 * not by the pieces; what the last piece holds beyond that count (a write whose record never followed) is dropped
 * when the piece is next written, so an entry delivered again is kept once.
 *
 * @param map the cluster map
 * @param size entries per piece
 * @param keep entries kept per agent, the newest
 */
record Pieces(AsyncMap<String, JsonArray> map, int size, int keep) {

    static String key(String agentId, long piece) {
        return agentId + "/" + piece;
    }

    /**
     * Pieces that may hold one of the newest {@code keep} entries, whatever the last piece holds: as many as the first
     * {@code keep - 1} of them can span, and the last one's.
     */
    private long piecesKept() {
        return (keep - 1 + size - 1) / size + 1;
    }

    /**
     * Appends {@code items} after the {@code kept} entries the agent's record counts. The last piece is read, cut
     * back to that count, and written back with the items; the items that do not fit start the next pieces; the pieces
     * that fall out of the newest {@code keep} are removed.
     */
    Future<Void> append(String agentId, long kept, List<?> items) {
        long piece = kept / size;
        int inPiece = (int) (kept % size);
        Future<JsonArray> last = inPiece == 0 ? Future.succeededFuture(null) : map.get(key(agentId, piece));
        return last.compose(before -> {
            List<Future<Void>> writes = new ArrayList<>();
            JsonArray current = new JsonArray();
            if (before != null) {
                for (int i = 0; i < Math.min(inPiece, before.size()); i++) {
                    current.add(before.getValue(i));
                }
            }
            long n = piece;
            for (Object item : items) {
                if (current.size() == size) {
                    writes.add(map.put(key(agentId, n++), current));
                    current = new JsonArray();
                }
                current.add(item);
            }
            writes.add(map.put(key(agentId, n), current));
            long lastWritten = n;
            return Future.all(writes).compose(x -> {
                // The pieces this batch pushed out of the newest kept (those kept before it ended at the piece of
                // entry number kept - 1); after the writes, which a batch longer than the kept may have made to them.
                List<Future<Void>> drops = new ArrayList<>();
                long dropFrom = kept == 0 ? 0 : Math.max(0, (kept - 1) / size - piecesKept() + 1);
                for (long old = dropFrom; old <= lastWritten - piecesKept(); old++) {
                    drops.add(map.remove(key(agentId, old)).mapEmpty());
                }
                return Future.all(drops).mapEmpty();
            });
        });
    }

    /** Removes the pieces that hold an agent's entries when it has had {@code count} (an agent forgotten). */
    Future<Void> removeAll(String agentId, long count) {
        if (count <= 0) {
            return Future.succeededFuture();
        }
        long[] w = window(count);
        List<Future<Void>> removed = new ArrayList<>();
        for (long p = w[0]; p <= w[1]; p++) {
            removed.add(map.remove(key(agentId, p)).mapEmpty());
        }
        return Future.all(removed).mapEmpty();
    }

    /** The first and last piece that hold an agent's newest entries when it has had {@code count}. */
    private long[] window(long count) {
        long lastPiece = (count - 1) / size;
        return new long[] {Math.max(0, lastPiece - piecesKept() + 1), lastPiece};
    }

    /** An agent's newest entries (at most {@code keep}), oldest first, read from the pieces its count covers. */
    Future<JsonArray> newest(String agentId, long count) {
        if (count <= 0) {
            return Future.succeededFuture(new JsonArray());
        }
        long[] w = window(count);
        Map<Long, Future<JsonArray>> reads = new TreeMap<>();
        for (long p = w[0]; p <= w[1]; p++) {
            reads.put(p, map.get(key(agentId, p)));
        }
        return Future.all(new ArrayList<>(reads.values())).map(x -> {
            Map<Long, JsonArray> byPiece = new HashMap<>();
            reads.forEach((p, f) -> byPiece.put(p, f.result()));
            return newest(count, byPiece);
        });
    }

    /** An agent's newest entries (at most {@code keep}), oldest first, from its pieces by number. */
    JsonArray newest(long count, Map<Long, JsonArray> byPiece) {
        long[] w = window(count);
        JsonArray all = new JsonArray();
        for (long p = w[0]; p <= w[1]; p++) {
            JsonArray piece = byPiece.get(p);
            if (piece == null) {
                continue;
            }
            int take = (int) Math.min(piece.size(), count - p * size);
            for (int i = 0; i < take; i++) {
                all.add(piece.getValue(i));
            }
        }
        while (all.size() > keep) {
            all.remove(0);
        }
        return all;
    }
}
