package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.audit.AuditQuery;
import org.kmsagent.agent.bus.audit.AuditRecord;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * The fleet's audit on a hub: the records agents forward (kept per agent, the newest {@link #KEPT_PER_AGENT}, in the
 * cluster-wide map {@code kmsagent.fleet.audit}) and this hub's own log, answered together on
 * {@link FleetAddresses#AUDIT}. Each hub answers with its own log and every agent's records (docs/audit.md).
 */
final class HubAudit {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HubAudit.class);
    /** Forwarded records a hub keeps per agent; older ones stay in the agent's own audit.log. */
    static final int KEPT_PER_AGENT = 1_000;

    private final String hubName;
    private final AuditLog own;
    private AsyncMap<String, JsonArray> forwarded;

    /**
     * @param own this hub's audit log, or null (a hub without one: tests)
     */
    HubAudit(String hubName, AuditLog own) {
        this.hubName = hubName;
        this.own = own;
    }

    Future<Void> start(Vertx vertx) {
        return vertx.sharedData()
                .<String, JsonArray>getAsyncMap("kmsagent.fleet.audit")
                .onSuccess(m -> forwarded = m)
                .mapEmpty();
    }

    /**
     * Keeps the audit records among an agent's newly accepted events. Called in the agent's serial chain, before its
     * record acknowledges them; a record delivered again (same seq) is kept once.
     */
    Future<Void> store(String agentId, List<JsonObject> accepted) {
        List<JsonObject> records = accepted.stream()
                .filter(e -> FleetAddresses.EVENT_AUDIT.equals(e.getString("type"))
                        && e.getValue("data") instanceof JsonObject)
                .toList();
        if (records.isEmpty()) {
            return Future.succeededFuture();
        }
        return forwarded.get(agentId).compose(before -> {
            JsonArray all = before == null ? new JsonArray() : before.copy();
            long last = all.isEmpty() ? 0 : all.getJsonObject(all.size() - 1).getLong("seq", 0L);
            for (JsonObject e : records) {
                if (e.getLong("seq") <= last) {
                    continue;
                }
                try {
                    // Kept as the hub reads it back: what is no audit record (an agent's bug, or worse) is not kept at
                    // all.
                    all.add(AuditRecord.fromJson(e.getJsonObject("data"))
                            .toJson()
                            .put("seq", e.getLong("seq")));
                } catch (IllegalArgumentException | ClassCastException damaged) {
                    LOG.warn(
                            "fleet: agent {} forwarded an audit record that is none (seq {}); not kept",
                            agentId,
                            e.getLong("seq"));
                }
            }
            while (all.size() > KEPT_PER_AGENT) {
                all.remove(0);
            }
            return forwarded.put(agentId, all);
        });
    }

    /** Answers {@code {agent?, since?, limit?}}: oldest first, each with its origin. */
    Future<JsonObject> query(JsonObject body, String agent) {
        AuditQuery q;
        try {
            q = AuditQuery.of(body);
        } catch (IllegalArgumentException e) {
            throw new FleetException(BusCodes.BAD_REQUEST, e.getMessage());
        }
        Future<AuditLog.Page> mine = own == null || agent != null
                ? Future.succeededFuture(new AuditLog.Page(List.of(), 0))
                : Future.fromCompletionStage(own.read(q.since(), q.limit()));
        Future<Map<String, JsonArray>> theirs = agent != null
                ? forwarded.get(agent).map(a -> a == null ? Map.<String, JsonArray>of() : Map.of(agent, a))
                : forwarded.entries();
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
