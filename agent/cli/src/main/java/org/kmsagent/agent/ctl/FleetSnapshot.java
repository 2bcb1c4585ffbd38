package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet a hub sees, as a scenario file for {@code kms-agent simulate} (docs/simulate.md): a what-if starting
 * point. It reproduces the fleet's composition, not its present state: the lab starts with every machine unactivated
 * and every host's table empty, the machines arriving one a minute.
 *
 * <ul>
 *   <li>the first watched host becomes {@code host}, further ones {@code hosts}; no watched host: the default host;
 *   <li>each agent becomes one machine with its products (edition names as the agent reports them) and, when its
 *       products pin a KMS host, that setting;
 *   <li>each client a watched host logged without an agent becomes one machine with the product its SKU id names in
 *       the plugins loaded by ctl; clients logged under one CMID and SKU become one cloned group.
 * </ul>
 */
final class FleetSnapshot {
  private FleetSnapshot() {}

  /** The scenario, how many machines and hosts it has, and what was left out (with why). */
  record Result(JsonObject scenario, int machines, int hosts, List<String> skipped) {}

  static Result scenario(JsonObject view, JsonObject hostsReply, JsonObject unmanagedReply,
      Map<String, String[]> bySku, int days) {
    List<String> skipped = new ArrayList<>();
    JsonObject scenario = new JsonObject()
        .put("name", "Fleet snapshot of " + view.getString("at"))
        .put("description", "The fleet a hub saw at " + view.getString("at") + " (kms-agent ctl fleet snapshot):"
            + " its machines and hosts, every machine unactivated at the start.")
        .put("days", days);
    JsonArray watched = hostsReply.getJsonArray("hosts", new JsonArray());
    for (int i = 0; i < watched.size(); i++) {
      JsonObject h = new JsonObject().put("name", fullName(watched.getJsonObject(i).getString("host"), view));
      if (i == 0) {
        scenario.put("host", h);
      } else {
        scenario.put("hosts", scenario.getJsonArray("hosts", new JsonArray()).add(h));
      }
    }
    JsonArray machines = new JsonArray();
    int count = 0;
    for (Object o : view.getJsonArray("agents", new JsonArray())) {
      JsonObject a = (JsonObject) o;
      JsonArray products = new JsonArray();
      String kms = null;
      for (Object p : a.getJsonArray("products", new JsonArray())) {
        JsonObject prod = (JsonObject) p;
        if (prod.getString("family") == null || prod.getString("product") == null) {
          continue;
        }
        products.add(new JsonObject().put("family", prod.getString("family")).put("edition", prod.getString("product")));
        String k = prod.getString("kms");
        if (k != null && !k.isBlank() && !k.toLowerCase(Locale.ROOT).startsWith("dns")) {
          kms = k;
        }
      }
      if (products.isEmpty()) {
        skipped.add("agent " + a.getString("agentId") + " (no products reported)");
        continue;
      }
      JsonObject group = new JsonObject().put("name", safeName(a.getString("hostName", a.getString("agentId"))))
          .put("products", products).put("arrive", count + "m");
      if (kms != null) {
        group.put("kms", kms);
      }
      machines.add(group);
      count++;
    }
    Map<String, List<JsonObject>> byCmidAndSku = new LinkedHashMap<>();
    for (Object o : unmanagedReply.getJsonArray("clients", new JsonArray())) {
      JsonObject c = (JsonObject) o;
      byCmidAndSku.computeIfAbsent(c.getString("cmid", "") + "|" + c.getString("skuId", "").toLowerCase(Locale.ROOT),
          k -> new ArrayList<>()).add(c);
    }
    for (List<JsonObject> same : byCmidAndSku.values()) {
      JsonObject first = same.get(0);
      String[] product = bySku.get(first.getString("skuId", "").toLowerCase(Locale.ROOT));
      if (product == null) {
        skipped.add("client " + first.getString("name") + " (SKU " + first.getString("skuId")
            + " is in no plugin loaded here; give --plugins-dir)");
        continue;
      }
      JsonObject group = new JsonObject().put("family", product[0]).put("edition", product[1])
          .put("arrive", count + "m");
      if (same.size() == 1) {
        group.put("name", safeName(first.getString("name")));
      } else {
        group.put("name", safeName(first.getString("name")) + "-clone-{n}").put("count", same.size())
            .put("cloned", true).put("every", "1m");
      }
      machines.add(group);
      count += same.size();
    }
    scenario.put("machines", machines);
    return new Result(scenario, count, Math.max(1, watched.size()), skipped);
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
        if (name.contains(".") && name.toLowerCase(Locale.ROOT).split("\\.")[0].equals(shortName)) {
          return name.toLowerCase(Locale.ROOT);
        }
      }
    }
    return host;
  }

  /** A machine name as a scenario takes it (no braces). */
  private static String safeName(String name) {
    return name == null ? "machine" : name.replace("{", "").replace("}", "");
  }
}
