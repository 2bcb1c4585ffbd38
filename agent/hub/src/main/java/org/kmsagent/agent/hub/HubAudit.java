package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>An agent's records are kept in {@link Pieces} of {@value #PIECE}, as its history is (one array per agent, read
 * and written back whole, cost every batch up to a thousand records); the agent's record in the fleet view counts the
 * records it has forwarded ({@code auditCount}).
 */
final class HubAudit {
    private static final Logger LOG = LoggerFactory.getLogger(HubAudit.class);
    /** Forwarded records a hub keeps per agent; older ones stay in the agent's own audit.log. */
    static final int KEPT_PER_AGENT = 1_000;
    /** Records per cluster-map entry. */
    static final int PIECE = 100;

    private final String hubName;
    private final AuditLog own;
    private Pieces pieces;

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
                .onSuccess(m -> pieces = new Pieces(m, PIECE, KEPT_PER_AGENT))
                .mapEmpty();
    }

    /** Removes the records an agent forwarded ({@code auditCount} of them), when it is forgotten. */
    Future<Void> forget(String agentId, long auditCount) {
        return pieces.removeAll(agentId, auditCount);
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
        return pieces.append(agentId, kept, records).map(records.size());
    }

    /** One agent's kept records, as {@link #query} reads them. */
    private Future<Map<String, JsonArray>> of(String agent, long count) {
        if (count <= 0) {
            return Future.succeededFuture(Map.of());
        }
        return pieces.newest(agent, count).map(records -> Map.of(agent, records));
    }

    /** Every agent's kept records, given each agent's count. */
    private Future<Map<String, JsonArray>> all(Map<String, Long> counts) {
        return pieces.map().entries().map(entries -> {
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
                    out.put(agent, pieces.newest(count, byPiece));
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
