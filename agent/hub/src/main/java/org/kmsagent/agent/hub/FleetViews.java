package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.kmsagent.agent.bus.BusJson;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;
import org.kmsagent.agent.bus.audit.AuditQuery;
import org.kmsagent.agent.hub.forecast.Duplicates;
import org.kmsagent.agent.hub.forecast.ExpiryForecast;

/**
 * What a hub answers about the fleet ({@code kmsagent.fleet.view}, {@code .expiring}, {@code .pools},
 * {@code .duplicates}, {@code .hosts}, {@code .clients}, {@code .audit}, {@code .history}): each read from the
 * cluster's maps when asked, so every hub of a cluster answers the same, sorted by agent id. Nothing here writes.
 */
final class FleetViews {
    static final int DEFAULT_POOL_HORIZON_DAYS = 90;
    /** The longest pool forecast and expiry window a client may ask for, in days (ten years). */
    static final int MAX_DAYS = 3650;
    /** The hub's audit request: an agent's query ({@link AuditQuery#FIELDS}), and which agent's (all if absent). */
    static final List<String> AUDIT_FIELDS =
            Stream.concat(Stream.of("agent"), AuditQuery.FIELDS.stream()).toList();

    private final FleetMaps maps;
    private final HubAudit audit;
    private final Clock clock;

    FleetViews(FleetMaps maps, HubAudit audit, Clock clock) {
        this.maps = maps;
        this.audit = audit;
        this.clock = clock;
    }

    /** Every agent: who it is, where it is connected, its products, and what a what-if snapshot starts it from. */
    Future<JsonObject> view() {
        Instant now = clock.instant();
        return maps.records().map(all -> {
            JsonArray list = new JsonArray();
            RecordReading.each(
                    sorted(all),
                    "fleet",
                    r -> new JsonObject()
                            .put("agentId", r.getString("agentId"))
                            .put("hostName", r.getString("hostName"))
                            .put("osClass", r.getString("osClass"))
                            .put("families", r.getValue("families"))
                            .put("versions", r.getValue("versions"))
                            .put("hub", r.getString("hub"))
                            .put("connected", AgentRecords.connected(r, now))
                            .put("lastSeen", r.getString("lastSeen"))
                            .put("products", r.getJsonArray("products", new JsonArray()))
                            // What a what-if snapshot needs to start each machine as it is: its CMIDs, and per family
                            // the last successful activation or renewal and the host that gave it.
                            .put("cmids", r.getJsonArray("cmids", new JsonArray()))
                            .put("renewals", r.getJsonObject("renewals", new JsonObject())),
                    list::add);
            return new JsonObject().put("at", now.toString()).put("agents", list);
        });
    }

    /** The products whose license ends within {@code days} (30 when not given). */
    Future<JsonObject> expiring(RequestBody body) {
        int days = body.whole("days", 0, MAX_DAYS).orElse(30L).intValue();
        Instant now = clock.instant();
        return maps.records().map(all -> {
            List<ExpiryForecast.ProductState> products = new ArrayList<>();
            RecordReading.each(sorted(all), "fleet expiring", AgentRecords::products, products::addAll);
            return new JsonObject()
                    .put("at", now.toString())
                    .put("days", days)
                    .put("expiring", BusJson.array(ExpiryForecast.within(now, days, products)));
        });
    }

    /** Each KMS host's pools, their counts and forecast over {@code horizonDays}. */
    Future<JsonObject> pools(RequestBody body) {
        int horizon = body.whole("horizonDays", 1, MAX_DAYS)
                .orElse((long) DEFAULT_POOL_HORIZON_DAYS)
                .intValue();
        Instant now = clock.instant();
        return maps.records()
                .map(all -> new JsonObject()
                        .put("at", now.toString())
                        .put("horizonDays", horizon)
                        .put("hosts", PoolReport.of(sorted(all), now, Duration.ofDays(horizon))));
    }

    /** Machines that present the same CMID (images cloned without generalizing). */
    Future<JsonObject> duplicates() {
        return maps.records()
                .map(all -> new JsonObject().put("duplicates", BusJson.array(Duplicates.find(machines(sorted(all))))));
    }

    /** Each watched host with its counts against each threshold, the clients it saw, clones and missing agents. */
    Future<JsonObject> hosts() {
        Instant now = clock.instant();
        return maps.records()
                .map(all -> new JsonObject().put("at", now.toString()).put("hosts", WatchedHosts.hosts(sorted(all))));
    }

    /** Every client the watched hosts logged, joined with the agents; only those without one with {@code unmanaged}. */
    Future<JsonObject> clients(RequestBody body) {
        boolean unmanaged = body.bool("unmanaged").orElse(false);
        Instant now = clock.instant();
        return maps.records()
                .map(all -> new JsonObject()
                        .put("at", now.toString())
                        .put("unmanaged", unmanaged)
                        .put("clients", WatchedHosts.clients(sorted(all), unmanaged)));
    }

    /** The fleet audit: each agent's kept records are counted in its record ({@code auditCount}). */
    Future<JsonObject> audit(RequestBody request) {
        String agent = request.text("agent", AgentCredentials.AGENT_ID_FORM).orElse(null);
        AuditQuery query = AuditQuery.of(request);
        // An id the fleet does not know is said, as history says it, not answered as an agent with no records: a
        // mistyped id read "0 record(s)". A forgotten agent's forwarded records went with its record.
        Future<Map<String, Long>> counts = agent != null
                ? maps.agents()
                        .get(agent)
                        .compose(r -> r == null
                                ? Future.failedFuture(
                                        ControlException.notFound("agent: no agent " + agent + " in the fleet"))
                                : Future.succeededFuture(Map.of(agent, r.getLong("auditCount", 0L))))
                : maps.agents().entries().map(all -> {
                    Map<String, Long> c = new HashMap<>();
                    all.forEach((id, r) -> c.put(id, r.getLong("auditCount", 0L)));
                    return c;
                });
        return counts.compose(c -> audit.query(query, agent, c));
    }

    /**
     * One agent's event history as the hubs keep it (its newest {@value FleetMaps#HISTORY_KEPT} events), oldest first,
     * with how many earlier events are no longer kept.
     */
    Future<JsonObject> history(RequestBody body) {
        String id = body.requiredText("target", AgentCredentials.AGENT_ID_FORM);
        return maps.agents().get(id).compose(record -> {
            if (record == null) {
                return Future.failedFuture(ControlException.notFound("target: no agent " + id + " in the fleet"));
            }
            long count = record.getLong("historyCount", 0L);
            return maps.historyOf(id, count)
                    .map(h -> new JsonObject()
                            .put("agentId", id)
                            .put("hostName", record.getString("hostName"))
                            .put("history", h)
                            .put("earlier", Math.max(0, count - h.size())));
        });
    }

    private static List<Duplicates.Machine> machines(List<JsonObject> records) {
        List<Duplicates.Machine> out = new ArrayList<>();
        RecordReading.each(records, "fleet duplicates", AgentRecords::machine, out::add);
        return out;
    }

    private static List<JsonObject> sorted(Map<String, JsonObject> all) {
        return all.values().stream()
                .sorted(Comparator.comparing(r -> r.getString("agentId")))
                .toList();
    }
}
