package org.kmsagent.agent.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The snapshot an agent on a KMS host reports to the hub, as the hub's tests give it. */
final class KmsHostSnapshot {
    /** The Windows application id, the pool's. */
    static final String WINDOWS = "55c92734-d682-4d71-983e-d6ec3f16059f";

    private KmsHostSnapshot() {}

    /**
     * {@code machine} (its products) with a KMS host whose one Windows pool counts {@code count} clients, all last
     * seen on Feb 20: under the 25 clients need, over the 5 servers need. {@code poolFamilies} names the pool's
     * families (a {@code family}, or an {@code id} and its {@code families}).
     */
    static JsonObject of(JsonObject machine, JsonObject poolFamilies, int count) {
        JsonArray ledger = new JsonArray();
        for (int i = 0; i < count; i++) {
            ledger.add(new JsonObject()
                    .put("clientMachineId", "cmid-" + i)
                    .put("applicationId", WINDOWS)
                    .put("skuId", "sku")
                    .put("lastSeen", "2026-02-20T00:00:00Z"));
        }
        JsonObject pool = new JsonObject()
                .put("applicationId", WINDOWS)
                .mergeIn(poolFamilies)
                .put("count", count)
                .put(
                        "thresholds",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("thresholdClass", "windows-client")
                                        .put("required", 25)
                                        .put("met", false))
                                .add(new JsonObject()
                                        .put("thresholdClass", "windows-server")
                                        .put("required", 5)
                                        .put("met", true)));
        return machine.put(
                "host",
                new JsonObject()
                        .put("enabled", true)
                        .put("pools", new JsonArray().add(pool))
                        .put("ledger", ledger));
    }
}
