package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.LicenseStatus;

/**
 * The fleet a hub sees, as a scenario file for {@code kms-agent simulate} (docs/simulate.md): a what-if starting
 * point. The snapshot's time is the scenario's {@code start} (day 0), every machine is there from the start, and its
 * {@code present:} section holds the fleet as it is then, so that {@code simulate --snapshot} runs it forward:
 *
 * <ul>
 *   <li>the first watched host becomes {@code host}, further ones {@code hosts}; with no watched host the snapshot
 *       holds no host (and counts none), and {@code simulate} refuses a change to one (docs/simulate.md); each
 *       watched host's clients of the last 30 days (CMID, SKU, last request) become its table in
 *       {@code present.ledgers};
 *   <li>each agent becomes one machine, named by its host name (host name and agent id when agents share one, as on
 *       cloned VMs: machine names are unique), with its products (edition names as the agent reports them) and, when its
 *       products pin a KMS host, that setting; its CMID (the one its host logged, else its own first) and each
 *       product's status, validity, next attempt, last success and the host that gave it go in
 *       {@code present.machines};
 *   <li>each client a watched host logged without an agent becomes one machine with the product its SKU id names in
 *       the plugins loaded by ctl; clients logged under one CMID and SKU become one cloned group. A client the host
 *       logged as licensed is taken as activated at its last request (valid 180 days from it, docs/kms-rules.md
 *       §2.1); any other starts unactivated.
 * </ul>
 */
final class FleetSnapshot {
    /** How a snapshot's name starts, and so its file: {@code fleet snapshot --out} replaces only such a file. */
    static final String NAME = "Fleet snapshot of ";

    private FleetSnapshot() {}

    /** The days a scenario may run, as {@code kms-agent simulate} reads them (its {@code days}, 1 to 3650). */
    static final int MIN_DAYS = 1;

    static final int MAX_DAYS = 3650;

    /** The scenario, how many machines and hosts it has, and what was left out (with why). */
    record Result(JsonObject scenario, int machines, int hosts, List<String> skipped) {}

    static Result scenario(
            JsonObject view, JsonObject hostsReply, JsonObject unmanagedReply, Map<String, String[]> bySku, int days) {
        return scenario(view, hostsReply, unmanagedReply, new JsonObject(), bySku, days);
    }

    static Result scenario(
            JsonObject view,
            JsonObject hostsReply,
            JsonObject unmanagedReply,
            JsonObject clientsReply,
            Map<String, String[]> bySku,
            int days) {
        List<String> skipped = new ArrayList<>();
        JsonObject scenario = new JsonObject()
                .put("name", NAME + view.getString("at"))
                .put(
                        "description",
                        "The fleet a hub saw at " + view.getString("at") + " (kms-agent ctl fleet snapshot):"
                                + " its machines and hosts as they were then (day 0).")
                .put("seed", seed(view))
                .put("start", view.getString("at"))
                .put("days", days);
        JsonArray present = new JsonArray();
        Map<String, String> cmidOfAgent = new HashMap<>();
        for (Object o : clientsReply.getJsonArray("clients", new JsonArray())) {
            JsonObject c = (JsonObject) o;
            if (c.getString("agentId") != null && c.getString("cmid") != null) {
                cmidOfAgent.putIfAbsent(c.getString("agentId"), c.getString("cmid"));
            }
        }
        JsonArray watched = hostsReply.getJsonArray("hosts", new JsonArray());
        for (int i = 0; i < watched.size(); i++) {
            JsonObject h = new JsonObject()
                    .put("name", fullName(watched.getJsonObject(i).getString("host"), view));
            if (i == 0) {
                scenario.put("host", h);
            } else {
                scenario.put(
                        "hosts", scenario.getJsonArray("hosts", new JsonArray()).add(h));
            }
        }
        JsonArray machines = new JsonArray();
        int count = 0;
        // Machine names must be unique in a scenario; agents on cloned VMs share a host name (docs/fleet.md).
        Map<String, Integer> perHostName = new HashMap<>();
        for (Object o : view.getJsonArray("agents", new JsonArray())) {
            perHostName.merge(hostName((JsonObject) o).toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        Set<String> used = new HashSet<>();
        for (Object o : view.getJsonArray("agents", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            JsonArray products = new JsonArray();
            String kms = null;
            for (Object p : a.getJsonArray("products", new JsonArray())) {
                JsonObject prod = (JsonObject) p;
                if (prod.getString("family") == null || prod.getString("product") == null) {
                    continue;
                }
                products.add(new JsonObject()
                        .put("family", prod.getString("family"))
                        .put("edition", prod.getString("product")));
                String k = prod.getString("kms");
                if (k != null && !k.isBlank() && !k.toLowerCase(Locale.ROOT).startsWith("dns")) {
                    kms = k;
                }
            }
            if (products.isEmpty()) {
                skipped.add("agent " + a.getString("agentId") + " (no products reported)");
                continue;
            }
            String host = hostName(a);
            String name = unique(
                    perHostName.get(host.toLowerCase(Locale.ROOT)) > 1
                                    && !host.equalsIgnoreCase(String.valueOf(a.getString("agentId")))
                            ? host + "-" + safeName(a.getString("agentId"))
                            : host,
                    used);
            JsonObject group = new JsonObject().put("name", name).put("products", products);
            if (kms != null) {
                group.put("kms", kms);
            }
            machines.add(group);
            count++;
            present.add(presentAgent(a, name, cmidOfAgent.get(a.getString("agentId"))));
        }
        Map<String, List<JsonObject>> byCmidAndSku = new LinkedHashMap<>();
        for (Object o : unmanagedReply.getJsonArray("clients", new JsonArray())) {
            JsonObject c = (JsonObject) o;
            byCmidAndSku
                    .computeIfAbsent(
                            c.getString("cmid", "") + "|"
                                    + c.getString("skuId", "").toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>())
                    .add(c);
        }
        for (List<JsonObject> same : byCmidAndSku.values()) {
            JsonObject first = same.get(0);
            String[] product = bySku.get(first.getString("skuId", "").toLowerCase(Locale.ROOT));
            if (product == null) {
                skipped.add("client " + first.getString("name") + " (SKU " + first.getString("skuId")
                        + " is in no plugin loaded here; give --plugins-dir)");
                continue;
            }
            JsonObject group = new JsonObject().put("family", product[0]).put("edition", product[1]);
            List<String> names = new ArrayList<>();
            if (same.size() == 1) {
                String name = unique(safeName(first.getString("name")), used);
                group.put("name", name);
                names.add(name);
            } else {
                String base = unique(safeName(first.getString("name")) + "-clone", used);
                group.put("name", base + "-{n}").put("count", same.size()).put("cloned", true);
                int width = Math.max(2, String.valueOf(same.size()).length());
                for (int i = 1; i <= same.size(); i++) {
                    names.add(base + "-" + String.format("%0" + width + "d", i));
                }
            }
            machines.add(group);
            count += same.size();
            for (String n : names) {
                present.add(presentClient(first, n, product[1], fullName(first.getString("host", ""), view)));
            }
        }
        scenario.put("machines", machines);
        JsonArray ledgers = new JsonArray();
        Map<String, JsonArray> byHost = new LinkedHashMap<>();
        for (int i = 0; i < watched.size(); i++) {
            byHost.put(watched.getJsonObject(i).getString("host"), new JsonArray());
        }
        for (Object o : clientsReply.getJsonArray("clients", new JsonArray())) {
            JsonObject c = (JsonObject) o;
            JsonArray into = byHost.get(c.getString("host"));
            if (into == null || c.getString("cmid") == null || c.getString("lastRequest") == null) {
                continue;
            }
            // One entry per product the host counted the client for, each in its own pool (a machine with Windows and
            // Office is in both tables, docs/kms-rules.md §1.4; one whose requests were all refused is in none, §1.2).
            // A watching agent of an earlier build gives only the client's latest request.
            JsonArray counted = c.getValue("counted") instanceof JsonArray a
                    ? a
                    : new JsonArray()
                            .add(new JsonObject()
                                    .put("skuId", c.getString("skuId"))
                                    .put("requiredCount", c.getInteger("requiredCount"))
                                    .put("lastRequest", c.getString("lastRequest")));
            for (Object p : counted) {
                JsonObject product = (JsonObject) p;
                String sku = product.getString("skuId", "");
                JsonObject entry =
                        new JsonObject().put("cmid", c.getString("cmid")).put("skuId", sku);
                String[] known = bySku.get(sku.toLowerCase(Locale.ROOT));
                if (known != null) {
                    entry.put("family", known[0]);
                }
                into.add(entry.put("name", c.getString("name"))
                        .put("lastRequest", product.getString("lastRequest"))
                        .put("requiredCount", product.getInteger("requiredCount")));
            }
        }
        byHost.forEach((h, clients) -> {
            if (!clients.isEmpty()) {
                ledgers.add(new JsonObject().put("host", fullName(h, view)).put("clients", clients));
            }
        });
        scenario.put("present", new JsonObject().put("machines", present).put("ledgers", ledgers));
        return new Result(scenario, count, watched.size(), skipped);
    }

    /** An agent's machine as it is: its CMID and each product's state (docs/simulate.md, "The present"). */
    private static JsonObject presentAgent(JsonObject a, String name, String loggedCmid) {
        JsonObject m = new JsonObject().put("name", name);
        String cmid = loggedCmid != null
                ? loggedCmid
                : a.getJsonArray("cmids", new JsonArray()).stream()
                        .filter(String.class::isInstance)
                        .map(String.class::cast)
                        .findFirst()
                        .orElse(null);
        if (cmid != null) {
            m.put("cmid", cmid);
        }
        JsonObject renewals = a.getJsonObject("renewals", new JsonObject());
        JsonArray products = new JsonArray();
        for (Object o : a.getJsonArray("products", new JsonArray())) {
            JsonObject p = (JsonObject) o;
            if (p.getString("family") == null || p.getString("product") == null || !known(p)) {
                continue; // a state the agent could not read (UNKNOWN): the product starts unactivated in the lab
            }
            JsonObject r = renewals.getJsonObject(p.getString("family"), new JsonObject());
            products.add(new JsonObject()
                    .put("edition", p.getString("product"))
                    .put("status", p.getString("status"))
                    .put("validUntil", p.getValue("validUntil"))
                    .put("nextAttempt", p.getValue("nextAttempt"))
                    .put("lastSuccess", r.getString("lastSuccess"))
                    .put("host", r.getString("host")));
        }
        return m.put("products", products);
    }

    /** Whether a product's reported state is one the lab can start from (a status, and its end when it has one). */
    private static boolean known(JsonObject p) {
        LicenseStatus status;
        try {
            status = LicenseStatus.valueOf(String.valueOf(p.getString("status")));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return !(status == LicenseStatus.LICENSED || status.isGrace()) || p.getString("validUntil") != null;
    }

    /** A client without an agent as its host logged it: licensed at its last request, or new. */
    private static JsonObject presentClient(JsonObject c, String name, String edition, String host) {
        JsonObject m = new JsonObject().put("name", name).put("cmid", c.getString("cmid"));
        JsonArray products = new JsonArray();
        if ("licensed".equals(c.getString("licenseState")) && c.getString("lastRequest") != null) {
            Instant last = Instant.parse(c.getString("lastRequest"));
            products.add(new JsonObject()
                    .put("edition", edition)
                    .put("status", "LICENSED")
                    .put("validUntil", last.plus(KmsRules.VALIDITY).toString())
                    .put("lastSuccess", last.toString())
                    .put("host", host));
        }
        return m.put("products", products);
    }

    /** The scenario's seed, from what the snapshot holds (the same snapshot, the same seed; no clock, no chance). */
    private static long seed(JsonObject view) {
        CRC32 crc = new CRC32();
        crc.update(String.valueOf(view.getString("at")).getBytes(StandardCharsets.UTF_8));
        for (Object o : view.getJsonArray("agents", new JsonArray())) {
            crc.update(String.valueOf(((JsonObject) o).getString("agentId")).getBytes(StandardCharsets.UTF_8));
        }
        return crc.getValue();
    }

    /**
     * The host's FQDN as the agents pin it ({@code kms01.contoso.com:1688} for host {@code KMS01}), so that pinned
     * machines reach it in the lab; the name as reported otherwise.
     */
    private static String fullName(String host, JsonObject view) {
        String shortName = host.toLowerCase(Locale.ROOT).split("\\.")[0];
        for (Object o : view.getJsonArray("agents", new JsonArray())) {
            for (Object p : ((JsonObject) o).getJsonArray("products", new JsonArray())) {
                String kms = ((JsonObject) p).getString("kms");
                if (kms == null) {
                    continue;
                }
                String name = kms.contains(":") ? kms.substring(0, kms.lastIndexOf(':')) : kms;
                if (name.contains(".")
                        && name.toLowerCase(Locale.ROOT).split("\\.")[0].equals(shortName)) {
                    return name.toLowerCase(Locale.ROOT);
                }
            }
        }
        return host;
    }

    /** The name an agent's machine goes by: its host name, else its agent id. */
    private static String hostName(JsonObject agent) {
        return safeName(agent.getString("hostName", agent.getString("agentId")));
    }

    /**
     * {@code name}, or when an earlier machine has it (any case) {@code name-2}, {@code name-3}…: simulate refuses a
     * scenario whose machine names repeat.
     */
    private static String unique(String name, Set<String> used) {
        String candidate = name;
        for (int n = 2; !used.add(candidate.toLowerCase(Locale.ROOT)); n++) {
            candidate = name + "-" + n;
        }
        return candidate;
    }

    /** A machine name as a scenario takes it (no braces). */
    private static String safeName(String name) {
        return name == null ? "machine" : name.replace("{", "").replace("}", "");
    }
}
