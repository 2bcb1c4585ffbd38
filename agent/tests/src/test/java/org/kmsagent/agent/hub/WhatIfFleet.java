package org.kmsagent.agent.hub;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.BusJson;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.host.ObservedRequest;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * The live fleet the what-if tests take snapshots of: six server agents reporting their products' state and last
 * renewal, and the watched host KMS01 whose log holds those six and 22 PCs without an agent (the Windows pool counts
 * 28).
 */
final class WhatIfFleet {
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String WIN11 = "73111121-5638-40f6-bc11-f1d7b0d64300";
    static final String SERVER_2022 = "9bd77860-9b31-4b7b-96ad-2564017315bf";

    private WhatIfFleet() {}

    static String cmid(int n) {
        return String.format("%08x-0000-4000-8000-%012x", n, n);
    }

    static JsonObject server(String status, Duration validFor, Duration nextIn) {
        return new JsonObject()
                .put(
                        "products",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("family", "windows-server")
                                        .put("product", "Windows Server 2022 Standard")
                                        .put("skuId", SERVER_2022)
                                        .put("partialKey", "VMK7H")
                                        .put("status", status)
                                        .put("kms", "kms01.contoso.com:1688")
                                        .put("validUntil", NOW.plus(validFor).toString())
                                        .put("nextAttempt", NOW.plus(nextIn).toString())));
    }

    /** KMS01's log: servers 1-6 four days ago, PCs 1-22 from 0 to 21 days ago. */
    static JsonObject watched() {
        List<ObservedRequest> log = new ArrayList<>();
        long id = 1;
        for (int s = 1; s <= 6; s++) {
            log.add(new ObservedRequest(
                    id++,
                    NOW.minus(Duration.ofDays(4)).plusSeconds(s),
                    "KMS01",
                    "0x0",
                    5,
                    "srv-" + s + ".contoso.com",
                    cmid(s),
                    "2026/11/26 12:00",
                    1,
                    43_000,
                    SERVER_2022));
        }
        for (int p = 1; p <= 22; p++) {
            log.add(new ObservedRequest(
                    id++,
                    NOW.minus(Duration.ofDays(p - 1)).minusSeconds(60),
                    "KMS01",
                    "0x0",
                    25,
                    "pc-" + p + ".contoso.com",
                    cmid(100 + p),
                    "2026/11/30 9:15",
                    1,
                    43_000,
                    WIN11));
        }
        log.sort(Comparator.comparing(ObservedRequest::hostTime));
        GenuineHostView view = GenuineHostView.of(
                "KMS01",
                NOW,
                log,
                TestFamilies::applicationOf,
                List.of(new GenuineHostView.Counters("55c92734-d682-4d71-983e-d6ec3f16059f", 28, 28, 0)),
                null,
                28,
                0,
                NOW.minusSeconds(30),
                null);
        return BusJson.object(view).put("watching", true);
    }

    /** The fleet: KMS01 watched, six servers connected, SRV-1 and SRV-3 to 6 with their last renewal sent. */
    static void connect(HubAgents agents) throws Exception {
        agents.connect(
                "kms01",
                "server",
                "windows-server",
                List.of(),
                new JsonObject().put("products", new JsonArray()).put("watchedHost", watched()));
        // SRV-1 has 10 days of validity left (its renewals had been failing); SRV-2 never activated, 20 days of grace.
        Map<String, JsonObject> servers = new LinkedHashMap<>();
        servers.put("srv-1", server("LICENSED", Duration.ofDays(10), Duration.ofHours(1)));
        servers.put("srv-2", server("INITIAL_GRACE", Duration.ofDays(20), Duration.ofHours(2)));
        for (int s = 3; s <= 6; s++) {
            servers.put("srv-" + s, server("LICENSED", Duration.ofDays(176), Duration.ofDays(3)));
        }
        int n = 1;
        for (Map.Entry<String, JsonObject> e : servers.entrySet()) {
            FleetLink link = agents.connect(e.getKey(), "server", "windows-server", List.of(cmid(n++)), e.getValue());
            JsonObject product = e.getValue().getJsonArray("products").getJsonObject(0);
            if (product.getString("status").equals("LICENSED")) {
                // A renewal gives 180 days: the last success is 180 days before the validity ends (SRV-3 to 6:
                // four days ago; SRV-1: 170 days ago).
                Instant renewed = Instant.parse(product.getString("validUntil")).minus(KmsRules.VALIDITY);
                link.publish(
                                "renewal",
                                new JsonObject()
                                        .put("kind", "RENEWED")
                                        .put("family", "windows-server")
                                        .put("product", "Windows Server 2022 Standard")
                                        .put("time", renewed.toString())
                                        .put("host", "kms01.contoso.com"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> link.pending() == 0);
            }
        }
    }
}
