package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scenario a hub's fleet becomes: agents, unmanaged clients by their SKU, clones as one cloned group. */
class FleetSnapshotTest {
  private static final String WIN11 = "4de7cb65-cdf1-4de9-8ae8-e3cce27b9f2c";

  @Test
  void unmanagedClientsBecomeMachinesByTheirSkuAndClonesOneClonedGroup() {
    JsonObject view = new JsonObject().put("at", "2026-11-30T12:00:00Z").put("agents", new JsonArray()
        .add(new JsonObject().put("agentId", "pc-a").put("hostName", "PC-A").put("products", new JsonArray()
            .add(new JsonObject().put("family", "windows-client").put("product", "Windows 11 Enterprise")
                .put("kms", "DNS discovery"))))
        .add(new JsonObject().put("agentId", "bare").put("hostName", "BARE").put("products", new JsonArray())));
    JsonObject hosts = new JsonObject().put("hosts", new JsonArray().add(new JsonObject().put("host", "KMS01"))
        .add(new JsonObject().put("host", "KMS02")));
    JsonObject unmanaged = new JsonObject().put("clients", new JsonArray()
        .add(client("img-1.contoso.com", "c1", WIN11)).add(client("img-2.contoso.com", "c1", WIN11))
        .add(client("lab.contoso.com", "c2", WIN11)).add(client("odd.contoso.com", "c3", "unknown-sku")));

    FleetSnapshot.Result r = FleetSnapshot.scenario(view, hosts, unmanaged,
        Map.of(WIN11, new String[] {"windows-client", "Windows 11 Enterprise"}), 45);

    JsonObject s = r.scenario();
    assertThat(s.getInteger("days")).isEqualTo(45);
    assertThat(s.getJsonObject("host").getString("name")).isEqualTo("KMS01");
    assertThat(s.getJsonArray("hosts").getJsonObject(0).getString("name")).isEqualTo("KMS02");
    JsonArray machines = s.getJsonArray("machines");
    assertThat(machines.getJsonObject(0)).isEqualTo(new JsonObject().put("name", "PC-A").put("products",
        new JsonArray().add(new JsonObject().put("family", "windows-client").put("edition", "Windows 11 Enterprise")))
        .put("arrive", "0m"));
    assertThat(machines.getJsonObject(1)).isEqualTo(new JsonObject().put("family", "windows-client")
        .put("edition", "Windows 11 Enterprise").put("arrive", "1m").put("name", "img-1.contoso.com-clone-{n}")
        .put("count", 2).put("cloned", true).put("every", "1m"));
    assertThat(machines.getJsonObject(2).getString("name")).isEqualTo("lab.contoso.com");
    assertThat(machines).hasSize(3);
    assertThat(r.machines()).isEqualTo(4);
    assertThat(r.skipped()).containsExactly("agent bare (no products reported)",
        "client odd.contoso.com (SKU unknown-sku is in no plugin loaded here; give --plugins-dir)");
  }

  private static JsonObject client(String name, String cmid, String sku) {
    return new JsonObject().put("name", name).put("cmid", cmid).put("skuId", sku);
  }
}
