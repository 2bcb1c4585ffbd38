package org.kmsagent.agent.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.bus.BusJson;
import org.kmsagent.agent.hub.forecast.PoolForecast;
import org.kmsagent.agent.rules.KmsRules;

/**
 * Each KMS host's pools against their thresholds, with a {@link PoolForecast} per threshold, from the agents'
 * records (an agent whose host role is on reports its {@code HostView}: pools, thresholds and counted clients).
 */
final class PoolReport {
    private PoolReport() {}

    static JsonArray of(List<JsonObject> records, Instant now, Duration horizon) {
        JsonArray hosts = new JsonArray();
        RecordReading.each(records, "fleet pools", r -> host(r, now, horizon), h -> h.ifPresent(hosts::add));
        return hosts;
    }

    /** One agent's host model with its forecasts, or empty when its host role is off. */
    private static Optional<JsonObject> host(JsonObject r, Instant now, Duration horizon) {
        JsonObject host = r.getJsonObject("host");
        if (host == null || !host.getBoolean("enabled", false)) {
            return Optional.empty();
        }
        JsonArray pools = new JsonArray();
        JsonArray ledger = host.getJsonArray("ledger", new JsonArray());
        JsonObject firstSeen = r.getJsonObject("firstSeen", new JsonObject());
        for (Object o : host.getJsonArray("pools", new JsonArray())) {
            if (!(o instanceof JsonObject pool)) {
                continue;
            }
            String app = pool.getString("applicationId");
            List<Instant> contacts = new ArrayList<>();
            for (Object e : ledger) {
                if (e instanceof JsonObject entry
                        && app.equals(entry.getString("applicationId"))
                        && entry.getString("lastSeen") != null) {
                    contacts.add(Instant.parse(entry.getString("lastSeen")));
                }
            }
            List<Instant> arrivals = new ArrayList<>();
            firstSeen
                    .getJsonObject(app, new JsonObject())
                    .forEach(e -> arrivals.add(Instant.parse((String) e.getValue())));
            JsonArray thresholds = pool.getJsonArray("thresholds", new JsonArray());
            int largest = 0;
            for (Object t : thresholds) {
                largest = Math.max(largest, ((JsonObject) t).getInteger("required", 0));
            }
            // docs/kms-rules.md §1.3: the table holds twice the largest threshold asked for.
            int capacity = KmsRules.tableCap(largest);
            JsonArray forecasts = new JsonArray();
            for (Object t : thresholds) {
                JsonObject th = (JsonObject) t;
                forecasts.add(BusJson.object(PoolForecast.project(
                        now,
                        th.getString("thresholdClass"),
                        th.getInteger("required"),
                        capacity,
                        contacts,
                        arrivals,
                        horizon)));
            }
            pools.add(new JsonObject()
                    .put("applicationId", app)
                    .put("family", pool.getString("family"))
                    .put("id", pool.getString("id", app))
                    .put("families", pool.getJsonArray("families", new JsonArray()))
                    .put("count", pool.getInteger("count"))
                    .put("thresholds", forecasts));
        }
        return Optional.of(new JsonObject()
                .put("agentId", r.getString("agentId"))
                .put("hostName", r.getString("hostName"))
                .put("pools", pools));
    }
}
