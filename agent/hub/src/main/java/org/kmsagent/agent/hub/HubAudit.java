package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.audit.AuditQuery;
import org.kmsagent.agent.bus.audit.AuditRecord;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's audit on a hub: the records agents forward (kept per agent, the newest {@link #KEPT_PER_AGENT}, in the
 * cluster-wide map {@code kmsagent.fleet.audit.pieces}) and this hub's own log, answered together on
 * {@link FleetAddresses#AUDIT}. Each hub answers with its own log and every agent's records (docs/audit.md).
 *
 * <p>An agent's records are kept in pieces of {@value #PIECE} (key {@code agentId/n}), as its history is: a batch
 * reads and writes the last piece only, and drops the piece that falls out of the newest {@link #KEPT_PER_AGENT}. (One
 * array per agent, read and written back whole, cost every batch up to a thousand records.) The agent's record in the
 * fleet view counts the records kept ({@code auditCount}); what the last piece holds beyond that count (a write whose
 * record never followed) is dropped when the piece is next written, so a record delivered again is kept once.
 */
final class HubAudit {
    private static final Logger LOG = LoggerFactory.getLogger(HubAudit.class);
    /** Forwarded records a hub keeps per agent; older ones stay in the agent's own audit.log. */
    static final int KEPT_PER_AGENT = 1_000;
    /** Records per cluster-map entry. */
    static final int PIECE = 100;
    /** Pieces kept per agent: the newest {@link #KEPT_PER_AGENT} whatever the last piece holds. */
    private static final int PIECES_KEPT = KEPT_PER_AGENT / PIECE + 1;

    private final String hubName;
    private final AuditLog own;
    private AsyncMap<String, JsonArray> pieces;

    /**
     * @param own this hub's audit log, or null (a hub without one: tests)
     */
    HubAudit(String hubName, AuditLog own) {
        this.hubName = hubName;
        this.own = own;
    }

    Future<Void> start(Vertx vertx) {
        return vertx.sharedData()
                .<String, JsonArray>getAsyncMap("kmsagent.fleet.audit.pieces")
                .onSuccess(m -> pieces = m)
                .mapEmpty();
    }

    /**
     * Keeps the audit records among an agent's newly accepted events after the {@code kept} it has (its record's
     * {@code auditCount}). Called in the agent's serial chain, before its record acknowledges them.
     *
     * @return how many records were kept (what the record's count grows by)
     */
    Future<Integer> store(String agentId, long kept, List<JsonObject> accepted) {
        List<JsonObject> records = new ArrayList<>();
        for (JsonObject e : accepted) {
            if (!FleetAddresses.EVENT_AUDIT.equals(e.getString("type"))
                    || !(e.getValue("data") instanceof JsonObject)) {
                continue;
            }
            try {
                // Kept as the hub reads it back: what is no audit record (an agent's bug, or worse) is not kept at all.
                records.add(
                        AuditRecord.fromJson(e.getJsonObject("data")).toJson().put("seq", e.getLong("seq")));
            } catch (IllegalArgumentException | ClassCastException damaged) {
                LOG.warn(
                        "fleet: agent {} forwarded an audit record that is none (seq {}); not kept",
                        agentId,
                        e.getLong("seq"));
            }
        }
        if (records.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return Pieces.append(pieces, PIECE, agentId, kept, records).compose(last -> {
            // The pieces that this batch pushed out of the newest ones kept (those kept before it ended at the piece
            // of its record number kept - 1).
            List<Future<Void>> drops = new ArrayList<>();
            long dropFrom = kept == 0 ? 0 : Math.max(0, (kept - 1) / PIECE - PIECES_KEPT + 1);
            for (long old = dropFrom; old <= last - PIECES_KEPT; old++) {
                drops.add(pieces.remove(Pieces.key(agentId, old)).mapEmpty());
            }
            return Future.all(drops).map(records.size());
        });
    }

    /** The pieces that hold an agent's newest records when it has {@code count}: first and last piece number. */
    private static long[] window(long count) {
        long lastPiece = (count - 1) / PIECE;
        return new long[] {Math.max(0, lastPiece - PIECES_KEPT + 1), lastPiece};
    }

    /** An agent's newest records (at most {@link #KEPT_PER_AGENT}), oldest first, from the pieces its count covers. */
    private static JsonArray newest(long count, Map<Long, JsonArray> byPiece) {
        long[] w = window(count);
        JsonArray all = new JsonArray();
        for (long p = w[0]; p <= w[1]; p++) {
            JsonArray piece = byPiece.get(p);
            if (piece == null) {
                continue;
            }
            int take = (int) Math.min(piece.size(), count - p * PIECE);
            for (int i = 0; i < take; i++) {
                all.add(piece.getValue(i));
            }
        }
        while (all.size() > KEPT_PER_AGENT) {
            all.remove(0);
        }
        return all;
    }

    /** One agent's kept records, as {@link #query} reads them. */
    private Future<Map<String, JsonArray>> of(String agent, long count) {
        if (count <= 0) {
            return Future.succeededFuture(Map.of());
        }
        long[] w = window(count);
        Map<Long, Future<JsonArray>> reads = new TreeMap<>();
        for (long p = w[0]; p <= w[1]; p++) {
            reads.put(p, pieces.get(Pieces.key(agent, p)));
        }
        return Future.all(new ArrayList<>(reads.values())).map(x -> {
            Map<Long, JsonArray> byPiece = new HashMap<>();
            reads.forEach((p, f) -> byPiece.put(p, f.result()));
            return Map.of(agent, newest(count, byPiece));
        });
    }

    /** Every agent's kept records, given each agent's count. */
    private Future<Map<String, JsonArray>> all(Map<String, Long> counts) {
        return pieces.entries().map(entries -> {
            Map<String, Map<Long, JsonArray>> byAgent = new HashMap<>();
            entries.forEach((k, v) -> {
                int slash = k.lastIndexOf('/');
                if (slash > 0) {
                    try {
                        byAgent.computeIfAbsent(k.substring(0, slash), a -> new HashMap<>())
                                .put(Long.parseLong(k.substring(slash + 1)), v);
                    } catch (NumberFormatException notOurs) {
                        // not a piece
                    }
                }
            });
            Map<String, JsonArray> out = new HashMap<>();
            byAgent.forEach((agent, byPiece) -> {
                long count = counts.getOrDefault(agent, 0L);
                if (count > 0) {
                    out.put(agent, newest(count, byPiece));
                }
            });
            return out;
        });
    }

    /**
     * Answers a query for {@code agent}'s records (or every agent's and this hub's when null): oldest first, each with
     * its origin.
     *
     * @param counts how many records each agent has (its record's {@code auditCount}): all agents', or the one
     *     {@code agent}'s
     */
    Future<JsonObject> query(AuditQuery q, String agent, Map<String, Long> counts) {
        Future<AuditLog.Page> mine = own == null || agent != null
                ? Future.succeededFuture(new AuditLog.Page(List.of(), 0))
                : Future.fromCompletionStage(own.read(q.since(), q.limit()));
        Future<Map<String, JsonArray>> theirs = agent != null ? of(agent, counts.getOrDefault(agent, 0L)) : all(counts);
        return Future.all(mine, theirs).map(x -> {
            List<JsonObject> all = new ArrayList<>();
            mine.result().records().forEach(r -> all.add(r.toJson().put("origin", "hub:" + hubName)));
            int skipped = mine.result().skipped();
            for (Map.Entry<String, JsonArray> e : theirs.result().entrySet()) {
                for (Object o : e.getValue()) {
                    JsonObject r = ((JsonObject) o).copy();
                    r.remove("seq");
                    try {
                        if (q.since() == null || !AuditRecord.fromJson(r).at().isBefore(q.since())) {
                            all.add(r.put("origin", e.getKey()));
                        }
                    } catch (IllegalArgumentException | ClassCastException damaged) {
                        skipped++;
                    }
                }
            }
            all.sort(Comparator.comparing(r -> Instant.parse(r.getString("at"))));
            JsonArray records = new JsonArray();
            all.subList(Math.max(0, all.size() - q.limit()), all.size()).forEach(records::add);
            return new JsonObject().put("records", records).put("skipped", skipped);
        });
    }
}
