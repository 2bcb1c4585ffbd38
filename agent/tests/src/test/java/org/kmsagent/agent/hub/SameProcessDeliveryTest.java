package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;

/**
 * What an agent sends a hub and what the hub answers go from its bridge to its consumers and back as the objects they
 * are, not as the event bus's deep copies: a copy of every events batch, and of every fan-out's report, was about a
 * twentieth of a hub's work (docs/performance-log.md). An admin request still goes as a copy, since the bridge reads
 * its body again for the audit record. Watched with the event bus's own interceptors on the hub's Vert.x: the object
 * sent, and the object the consumer (or the bridge, for the reply) received.
 */
class SameProcessDeliveryTest {
    @TempDir
    Path dir;

    private LocalHub hub;
    private HubAgents agents;
    /** Per address, the body handed to the event bus and the body its consumer got. */
    private final Map<String, Object> sent = new ConcurrentHashMap<>();

    private final Map<String, Object> received = new ConcurrentHashMap<>();
    /** The reply address of each request received, by the request's address. */
    private final Map<String, String> replyTo = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC));
        agents = new HubAgents(hub, dir);
        hub.vertx.eventBus().addOutboundInterceptor(ctx -> {
            sent.put(ctx.message().address(), ctx.body());
            ctx.next();
        });
        hub.vertx.eventBus().addInboundInterceptor(ctx -> {
            received.put(ctx.message().address(), ctx.message().body());
            if (ctx.message().replyAddress() != null) {
                replyTo.put(ctx.message().address(), ctx.message().replyAddress());
            }
            ctx.next();
        });
    }

    @AfterEach
    void stop() throws Exception {
        agents.close();
        hub.close();
    }

    @Test
    void anAgentsEventsAndTheHubsAnswerAreHandedOverWithoutACopy() throws Exception {
        FleetLink pc = agents.connect("pc-1", "client", "windows-client", List.of(), new JsonObject());
        pc.publish("renewal", new JsonObject().put("kind", "RENEWED").put("family", "windows-client"))
                .await(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> pc.pending() == 0);

        assertThat(received.get(FleetAddresses.EVENTS))
                .isInstanceOf(JsonObject.class)
                .isSameAs(sent.get(FleetAddresses.EVENTS));
        String reply = replyTo.get(FleetAddresses.EVENTS);
        assertThat(((JsonObject) received.get(reply)).getLong("acked")).isPositive();
        assertThat(received.get(reply)).isSameAs(sent.get(reply));
    }

    @Test
    void anAdminRequestGoesAsACopyForItsAuditRecord() {
        CliRun enrol = agents.ctl(LocalHub.OPS_TOKEN, "fleet", "enroll", "pc-9");

        assertThat(enrol.exitCode()).as(enrol.err()).isZero();
        assertThat(received.get(FleetAddresses.ENROLL))
                .isInstanceOf(JsonObject.class)
                .isEqualTo(sent.get(FleetAddresses.ENROLL))
                .isNotSameAs(sent.get(FleetAddresses.ENROLL));
    }
}
