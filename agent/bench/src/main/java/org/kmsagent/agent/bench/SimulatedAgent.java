package org.kmsagent.agent.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.fleet.AgentDescription;
import org.kmsagent.agent.link.CommandHandler;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.Outbox;

/**
 * A lightweight fleet agent for the fleet benchmark and tests: a real {@link FleetLink} with a real outbox, whose
 * control API answers {@code kmsagent.status} with one Windows product (as an agent on a simulated machine would)
 * and refuses the rest with 404. Many of them share one Vert.x, each with its own TLS connection.
 */
public final class SimulatedAgent {
    private SimulatedAgent() {}

    /** The product a simulated agent reports. */
    public static JsonObject product(String agentId) {
        return new JsonObject()
                .put("family", "windows-client")
                .put("product", "Windows 10 Enterprise")
                .put("skuId", "73111121-5638-40f6-bc11-f1d7b0d64300")
                .put("partialKey", "T83GX")
                .put("status", "LICENSED")
                .put("kms", "kms.test:1688")
                .put("validUntil", "2026-12-01T00:00:00Z")
                .put("lastResult", "0x0 ok on " + agentId);
    }

    /** Answers what a simulated agent's control API answers. */
    public static CommandHandler commands(String agentId) {
        return (address, body) -> BusAddresses.STATUS.equals(address)
                ? Future.succeededFuture(new JsonObject().put("products", new JsonArray().add(product(agentId))))
                : Future.failedFuture(new ReplyException(
                        ReplyFailure.RECIPIENT_FAILURE, BusCodes.NOT_FOUND, "simulated agent has no " + address));
    }

    /** A link for one simulated agent (not started); its outbox lives in {@code dataDir}. */
    public static FleetLink link(
            Vertx vertx,
            String agentId,
            List<String> hubs,
            String token,
            String fingerprint,
            String cmid,
            Path dataDir,
            long heartbeatMs) {
        NetClientOptions tls = FleetLink.clientOptions(List.of(fingerprint), null);
        FleetLink.Settings settings = new FleetLink.Settings(hubs, token, tls, heartbeatMs, 2_000, 10_000);
        AgentDescription me = new AgentDescription(
                agentId,
                agentId.toUpperCase(Locale.ROOT),
                "client",
                List.of("windows-client"),
                Map.of("agent", "test"),
                cmid == null ? List.of() : List.of(cmid),
                (int) Math.max(1, heartbeatMs / 1000));
        return new FleetLink(
                vertx,
                settings,
                me,
                new Outbox(dataDir, agentId),
                commands(agentId),
                () -> Future.succeededFuture(new JsonObject().put("products", new JsonArray().add(product(agentId)))),
                Clock.systemUTC());
    }
}
