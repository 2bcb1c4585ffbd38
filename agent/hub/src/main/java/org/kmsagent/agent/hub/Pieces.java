package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;

/**
 * A list per agent kept in a cluster map in pieces of a fixed size, under the keys {@code agentId/0},
 * {@code agentId/1}, ...: an agent's event history ({@link FleetMaps}) and its forwarded audit records
 * ({@link HubAudit}). Appending reads and writes the last piece only, so a batch costs the same however long the list
 * has grown. How many entries an agent has is counted by its record, not by the pieces.
 */
final class Pieces {
    private Pieces() {}

    static String key(String agentId, long piece) {
        return agentId + "/" + piece;
    }

    /**
     * Appends {@code items} after the {@code kept} entries the agent's record counts. The last piece is read, cut
     * back to that count (a write whose record never followed left more in it), and written back with the items; the
     * items that do not fit start the next pieces.
     *
     * @return the number of the last piece written
     */
    static Future<Long> append(AsyncMap<String, JsonArray> map, int size, String agentId, long kept, List<?> items) {
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
            return Future.all(writes).map(lastWritten);
        });
    }
}
