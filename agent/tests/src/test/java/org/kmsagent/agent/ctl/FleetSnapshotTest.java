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
    void anAgentsProductsStartAsTheHubLastSawThemAndAHostsTableAsItsLogHasIt() {
        JsonObject view = new JsonObject()
                .put("at", "2026-11-30T12:00:00Z")
                .put(
                        "agents",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("agentId", "srv-1")
                                        .put("hostName", "SRV-1")
                                        .put("cmids", new JsonArray().add("own"))
                                        .put(
                                                "renewals",
                                                new JsonObject()
                                                        .put(
                                                                "windows-server",
                                                                new JsonObject()
                                                                        .put("lastSuccess", "2026-11-26T12:00:00Z")
                                                                        .put("host", "kms01.contoso.com")))
                                        .put(
                                                "products",
                                                new JsonArray()
                                                        .add(new JsonObject()
                                                                .put("family", "windows-server")
                                                                .put("product", "Windows Server 2022 Standard")
                                                                .put("status", "LICENSED")
                                                                .put("validUntil", "2027-05-25T12:00:00Z")
                                                                .put("nextAttempt", "2026-12-03T12:00:00Z"))
                                                        .add(new JsonObject()
                                                                .put("family", "office2013")
                                                                .put("product", "Office 2013 Professional Plus")
                                                                .put("status", "UNKNOWN")))));
        JsonObject hosts = new JsonObject().put("hosts", new JsonArray().add(new JsonObject().put("host", "KMS01")));
        JsonObject clients = new JsonObject()
                .put(
                        "clients",
                        new JsonArray()
                                .add(client("srv-1.contoso.com", "logged", WIN11)
                                        .put("host", "KMS01")
                                        .put("agentId", "srv-1")
                                        .put("lastRequest", "2026-11-26T12:00:00Z")
                                        .put("requiredCount", 5)));

        JsonObject s = FleetSnapshot.scenario(view, hosts, new JsonObject(), clients, Map.of(), 90)
                .scenario();

        JsonObject srv = s.getJsonObject("present").getJsonArray("machines").getJsonObject(0);
        assertThat(srv.getString("cmid")).as("the CMID its host logged").isEqualTo("logged");
        assertThat(srv.getJsonArray("products"))
                .as("a state the agent could not read starts unactivated")
                .hasSize(1);
        assertThat(srv.getJsonArray("products").getJsonObject(0))
                .isEqualTo(new JsonObject()
                        .put("edition", "Windows Server 2022 Standard")
                        .put("status", "LICENSED")
                        .put("validUntil", "2027-05-25T12:00:00Z")
                        .put("nextAttempt", "2026-12-03T12:00:00Z")
                        .put("lastSuccess", "2026-11-26T12:00:00Z")
                        .put("host", "kms01.contoso.com"));
        assertThat(s.getJsonObject("present").getJsonArray("ledgers"))
                .containsExactly(new JsonObject()
                        .put("host", "KMS01")
                        .put(
                                "clients",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("cmid", "logged")
                                                .put("skuId", WIN11)
                                                .put("name", "srv-1.contoso.com")
                                                .put("lastRequest", "2026-11-26T12:00:00Z")
                                                .put("requiredCount", 5))));
    }

    @Test
    void aHostsTableHoldsEachClientOncePerProductItCountedAndNoneItRefused() {
        String office = "b322da9c-a2e2-4058-9e4e-f59a6970bd69";
        JsonObject view = new JsonObject().put("at", "2026-11-30T12:00:00Z").put("agents", new JsonArray());
        JsonObject hosts = new JsonObject().put("hosts", new JsonArray().add(new JsonObject().put("host", "KMS01")));
        JsonObject clients = new JsonObject()
                .put(
                        "clients",
                        new JsonArray()
                                // Windows and Office on one PC: the host counts it in both tables.
                                .add(client("pc-a.contoso.com", "a", office)
                                        .put("host", "KMS01")
                                        .put("lastRequest", "2026-11-29T10:00:00Z")
                                        .put("requiredCount", 5)
                                        .put(
                                                "counted",
                                                new JsonArray()
                                                        .add(new JsonObject()
                                                                .put("skuId", office)
                                                                .put("requiredCount", 5)
                                                                .put("lastRequest", "2026-11-29T10:00:00Z"))
                                                        .add(new JsonObject()
                                                                .put("skuId", WIN11)
                                                                .put("requiredCount", 25)
                                                                .put("lastRequest", "2026-11-28T09:00:00Z"))))
                                // Every request refused (a host key that cannot activate it): in no table.
                                .add(client("pc-b.contoso.com", "b", WIN11)
                                        .put("host", "KMS01")
                                        .put("lastRequest", "2026-11-29T11:00:00Z")
                                        .put("requiredCount", 25)
                                        .put("counted", new JsonArray())));
        Map<String, String[]> bySku = Map.of(
                WIN11, new String[] {"windows-client", "Windows 11 Enterprise"},
                office, new String[] {"office2013", "Office 2013 Professional Plus"});

        JsonObject s = FleetSnapshot.scenario(view, hosts, new JsonObject(), clients, bySku, 90)
                .scenario();

        JsonArray table = s.getJsonObject("present")
                .getJsonArray("ledgers")
                .getJsonObject(0)
                .getJsonArray("clients");
        assertThat(table)
                .containsExactly(
                        new JsonObject()
                                .put("cmid", "a")
                                .put("skuId", office)
                                .put("family", "office2013")
                                .put("name", "pc-a.contoso.com")
                                .put("lastRequest", "2026-11-29T10:00:00Z")
                                .put("requiredCount", 5),
                        new JsonObject()
                                .put("cmid", "a")
                                .put("skuId", WIN11)
                                .put("family", "windows-client")
                                .put("name", "pc-a.contoso.com")
                                .put("lastRequest", "2026-11-28T09:00:00Z")
                                .put("requiredCount", 25));
    }

    @Test
    void unmanagedClientsBecomeMachinesByTheirSkuAndClonesOneClonedGroup() {
        JsonObject view = new JsonObject()
                .put("at", "2026-11-30T12:00:00Z")
                .put(
                        "agents",
                        new JsonArray()
                                .add(dnsAgent("pc-a", "PC-A"))
                                .add(new JsonObject()
                                        .put("agentId", "bare")
                                        .put("hostName", "BARE")
                                        .put("products", new JsonArray())));
        JsonObject hosts = new JsonObject()
                .put(
                        "hosts",
                        new JsonArray()
                                .add(new JsonObject().put("host", "KMS01"))
                                .add(new JsonObject().put("host", "KMS02")));
        JsonObject unmanaged = new JsonObject()
                .put(
                        "clients",
                        new JsonArray()
                                .add(client("img-1.contoso.com", "c1", WIN11))
                                .add(client("img-2.contoso.com", "c1", WIN11))
                                .add(client("lab.contoso.com", "c2", WIN11))
                                .add(client("odd.contoso.com", "c3", "unknown-sku")));

        FleetSnapshot.Result r = FleetSnapshot.scenario(
                view, hosts, unmanaged, Map.of(WIN11, new String[] {"windows-client", "Windows 11 Enterprise"}), 45);

        JsonObject s = r.scenario();
        assertThat(s.getInteger("days")).isEqualTo(45);
        assertThat(s.getJsonObject("host").getString("name")).isEqualTo("KMS01");
        assertThat(s.getJsonArray("hosts").getJsonObject(0).getString("name")).isEqualTo("KMS02");
        JsonArray machines = s.getJsonArray("machines");
        assertThat(machines.getJsonObject(0))
                .isEqualTo(new JsonObject()
                        .put("name", "PC-A")
                        .put(
                                "products",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("family", "windows-client")
                                                .put("edition", "Windows 11 Enterprise"))));
        // Every machine is there at the start (day 0 is the snapshot's time); clones are one cloned group.
        assertThat(machines.getJsonObject(1))
                .isEqualTo(new JsonObject()
                        .put("family", "windows-client")
                        .put("edition", "Windows 11 Enterprise")
                        .put("name", "img-1.contoso.com-clone-{n}")
                        .put("count", 2)
                        .put("cloned", true));
        assertThat(s.getString("start")).isEqualTo("2026-11-30T12:00:00Z");
        assertThat(s.getJsonObject("present").getJsonArray("machines").stream()
                        .map(o -> ((JsonObject) o).getString("name"))
                        .toList())
                .containsExactly("PC-A", "img-1.contoso.com-clone-01", "img-1.contoso.com-clone-02", "lab.contoso.com");
        assertThat(machines.getJsonObject(2).getString("name")).isEqualTo("lab.contoso.com");
        assertThat(machines).hasSize(3);
        assertThat(r.machines()).isEqualTo(4);
        assertThat(r.skipped())
                .containsExactly(
                        "agent bare (no products reported)",
                        "client odd.contoso.com (SKU unknown-sku is in no plugin loaded here; give --plugins-dir)");
    }

    @Test
    void aFleetWithNoWatchedHostIsASnapshotOfNoHostAndCountsNone() {
        JsonObject view = new JsonObject()
                .put("at", "2026-11-30T12:00:00Z")
                .put("agents", new JsonArray().add(dnsAgent("pc-a", "PC-A")));

        FleetSnapshot.Result r = FleetSnapshot.scenario(
                view, new JsonObject().put("hosts", new JsonArray()), new JsonObject(), Map.of(), 90);

        assertThat(r.hosts()).isZero();
        assertThat(r.machines()).isEqualTo(1);
        assertThat(r.scenario().containsKey("host")).isFalse();
        assertThat(r.scenario().containsKey("hosts")).isFalse();
    }

    /** An agent reporting one Windows 11 Enterprise that finds its KMS host through DNS. */
    private static JsonObject dnsAgent(String agentId, String hostName) {
        return new JsonObject()
                .put("agentId", agentId)
                .put("hostName", hostName)
                .put(
                        "products",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("family", "windows-client")
                                        .put("product", "Windows 11 Enterprise")
                                        .put("kms", "DNS discovery")));
    }

    private static JsonObject client(String name, String cmid, String sku) {
        return new JsonObject().put("name", name).put("cmid", cmid).put("skuId", sku);
    }
}
