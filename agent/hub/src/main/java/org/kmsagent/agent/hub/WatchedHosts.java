package org.kmsagent.agent.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fleet's two views of activation joined: what each watched genuine KMS host logged (its agent's
 * {@code watchedHost}: counters and the clients its event log named) and what the agents report of themselves.
 *
 * <ul>
 *   <li>a logged client is <b>managed</b> when an agent's machine has its name (compared by the first label, case
 *       aside: {@code PC-A} is {@code pc-a.contoso.com}); otherwise <b>unmanaged</b>;
 *   <li><b>clones</b>: one CMID logged under several names by the same host (images not generalized, docs/kms-rules.md
 *       §1.2) - the host counts them once;
 *   <li><b>missing</b>: agents whose products name the host as their KMS ({@code host[:port]}) but whose machine the
 *       host never logged within its 30-day window (the wrong host, a blocked port, or no request sent). Agents on
 *       DNS discovery name no host and are not judged.
 * </ul>
 */
final class WatchedHosts {
    private WatchedHosts() {}

    /** Each watched host with its counts against each threshold, the clients it saw, clones and missing agents. */
    static JsonArray hosts(List<JsonObject> records) {
        JsonArray out = new JsonArray();
        RecordReading.each(records, "fleet hosts", r -> host(records, r), h -> h.ifPresent(out::add));
        return out;
    }

    /** One watching agent's host, or empty when it watches none. */
    private static Optional<JsonObject> host(List<JsonObject> records, JsonObject r) {
        JsonObject view = r.getJsonObject("watchedHost");
        if (view == null) {
            return Optional.empty();
        }
        String host = hostName(r, view);
        List<JsonObject> clients = clients(records, r, view);
        JsonArray unmanaged = new JsonArray();
        clients.stream().filter(c -> !c.getBoolean("managed")).forEach(c -> unmanaged.add(c.getString("name")));
        return Optional.of(new JsonObject()
                .put("agentId", r.getString("agentId"))
                .put("host", host)
                .put("at", view.getString("at"))
                .put("applications", view.getJsonArray("applications", new JsonArray()))
                .put("countersError", view.getString("countersError"))
                .put("service", view.getJsonObject("service"))
                .put("serviceError", view.getString("serviceError"))
                .put("logCounts", view.getJsonArray("logCounts", new JsonArray()))
                .put("clients", clients.size())
                .put("unmanaged", unmanaged)
                .put("clones", clones(clients))
                .put("missing", missing(records, host, clients))
                .put("observedRequests", view.getLong("observedRequests", 0L))
                .put("malformedEvents", view.getLong("malformedEvents", 0L))
                .put("lastRead", view.getString("lastRead"))
                .put("eventLogError", view.getString("eventLogError")));
    }

    /** Every client the watched hosts logged, joined with the agents; only the unmanaged ones if asked. */
    static JsonArray clients(List<JsonObject> records, boolean unmanagedOnly) {
        JsonArray out = new JsonArray();
        RecordReading.each(
                records,
                "fleet clients",
                r -> r.getJsonObject("watchedHost") == null
                        ? List.<JsonObject>of()
                        : clients(records, r, r.getJsonObject("watchedHost")),
                logged -> logged.stream()
                        .filter(c -> !unmanagedOnly || !c.getBoolean("managed"))
                        .forEach(out::add));
        return out;
    }

    private static List<JsonObject> clients(List<JsonObject> records, JsonObject watcher, JsonObject view) {
        String host = hostName(watcher, view);
        Map<String, JsonObject> agentsByName = new TreeMap<>();
        for (JsonObject a : records) {
            agentsByName.putIfAbsent(shortName(a.getString("hostName")), a);
        }
        Map<String, Set<String>> namesByCmid = namesByCmid(view);
        List<JsonObject> out = new ArrayList<>();
        for (Object o : view.getJsonArray("clients", new JsonArray())) {
            if (!(o instanceof JsonObject c)) {
                continue;
            }
            JsonObject agent = agentsByName.get(shortName(c.getString("name")));
            String cmid = c.getString("cmid", "");
            JsonObject client = new JsonObject()
                    .put("host", host)
                    .put("name", c.getString("name"))
                    .put("cmid", cmid)
                    .put("licenseState", c.getString("licenseState"))
                    .put("lastRequest", c.getString("lastRequest"))
                    .put("requiredCount", c.getInteger("requiredCount"))
                    .put("skuId", c.getString("skuId"))
                    .put("managed", agent != null)
                    .put("agentId", agent == null ? null : agent.getString("agentId"))
                    .put("clone", namesByCmid.getOrDefault(cmid, Set.of()).size() > 1);
            if (c.getValue("counted") instanceof JsonArray counted) {
                // What a watching agent of this build reports: each product the host counted the client for.
                client.put("counted", counted);
            }
            out.add(client);
        }
        return out;
    }

    private static Map<String, Set<String>> namesByCmid(JsonObject view) {
        Map<String, Set<String>> names = new TreeMap<>();
        for (Object o : view.getJsonArray("clients", new JsonArray())) {
            if (o instanceof JsonObject c) {
                names.computeIfAbsent(c.getString("cmid", ""), k -> new LinkedHashSet<>())
                        .add(shortName(c.getString("name")));
            }
        }
        return names;
    }

    private static JsonArray clones(List<JsonObject> clients) {
        Map<String, Set<String>> names = new LinkedHashMap<>();
        for (JsonObject c : clients) {
            names.computeIfAbsent(c.getString("cmid"), k -> new TreeSet<>()).add(c.getString("name"));
        }
        JsonArray out = new JsonArray();
        names.forEach((cmid, n) -> {
            if (n.size() > 1) {
                out.add(new JsonObject().put("cmid", cmid).put("names", new JsonArray(List.copyOf(n))));
            }
        });
        return out;
    }

    private static JsonArray missing(List<JsonObject> records, String host, List<JsonObject> clients) {
        Set<String> logged = new LinkedHashSet<>();
        clients.forEach(c -> logged.add(shortName(c.getString("name"))));
        String hostShort = shortName(host);
        JsonArray out = new JsonArray();
        for (JsonObject a : records) {
            Set<String> naming = new LinkedHashSet<>();
            for (Object o : a.getJsonArray("products", new JsonArray())) {
                if (o instanceof JsonObject p
                        && p.getValue("kms") instanceof String kms
                        && shortName(kmsHost(kms)).equals(hostShort)) {
                    naming.add(p.getString("family", "?"));
                }
            }
            if (!naming.isEmpty() && !logged.contains(shortName(a.getString("hostName")))) {
                out.add(new JsonObject()
                        .put("agentId", a.getString("agentId"))
                        .put("hostName", a.getString("hostName"))
                        .put("families", new JsonArray(List.copyOf(naming)))
                        .put(
                                "reason",
                                "names " + host + " as its KMS host, but the host logged no request from it in 30 days"
                                        + " (wrong host, port blocked, or no request sent)"));
            }
        }
        return out;
    }

    /** The host part of {@code host[:port]} ({@code [v6]:port} too). */
    static String kmsHost(String kms) {
        String s = kms.trim();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            return end < 0 ? s : s.substring(1, end);
        }
        int colon = s.lastIndexOf(':');
        return colon > 0 && s.indexOf(':') == colon ? s.substring(0, colon) : s;
    }

    /** The first label of a host name, lower case: how a logged FQDN is matched to an agent's machine name. */
    static String shortName(String name) {
        if (name == null) {
            return "";
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.isEmpty() || Character.isDigit(n.charAt(0)) || n.contains(":")) {
            return n; // an address, not a name
        }
        int dot = n.indexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    private static String hostName(JsonObject record, JsonObject view) {
        String h = view.getString("hostName");
        return h == null || h.isBlank() ? record.getString("hostName") : h;
    }
}
