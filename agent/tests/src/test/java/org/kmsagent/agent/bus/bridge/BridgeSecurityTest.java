package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/**
 * The bridge as a security boundary: every client authenticated, roles enforced, and hostile or broken input answered
 * and cut off while the agent goes on serving others. A refused change must leave the agent's state as it was.
 */
class BridgeSecurityTest {
    private static final int MAX_CONNECTIONS = 16;

    @TempDir
    static Path dir;

    static AgentFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = AgentFixture.start(
                dir.resolve("data"), "bridge.maxConnections=" + MAX_CONNECTIONS, "bridge.maxFrameBytes=4096");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private RawBridgeClient raw() throws Exception {
        return new RawBridgeClient(fixture.daemon.bridgePort(), fixture.daemon.fingerprint());
    }

    private static void assertServing() {
        Result r = fixture.ctl(AgentFixture.READ_TOKEN, "status");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void aChangeWithoutTokenIsRefusedAndChangesNothing() {
        int before = fixture.agent.changes();
        Result r = fixture.ctl(null, "set-kms", "evil.example");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("not_authorised");
        assertThat(fixture.agent.changes()).isEqualTo(before);
        assertThat(fixture.agent.kms("*")).isEmpty();
    }

    @Test
    void aQueryWithoutTokenIsRefusedToo() {
        Result r = fixture.ctl(null, "status");
        assertThat(r.exit()).isEqualTo(3);
    }

    @Test
    void aWrongTokenIsRefusedAndChangesNothing() {
        int before = fixture.agent.changes();
        Result r = fixture.ctl("wrong-0123456789abcdef", "install-gvlk");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(fixture.agent.changes()).isEqualTo(before);
        assertThat(fixture.agent.product("office2013").partialKey).isNull();
    }

    @Test
    void aReadClientMayQueryButNotChange() {
        assertServing();
        int before = fixture.agent.changes();
        Result r = fixture.ctl(AgentFixture.READ_TOKEN, "activate");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("forbidden", "needs role admin", "code 403");
        Result unload = fixture.ctl(AgentFixture.READ_TOKEN, "plugins", "unload", "office2013");
        assertThat(unload.exit()).isEqualTo(3);
        assertThat(fixture.agent.changes()).isEqualTo(before);
        assertThat(fixture.agent.plugins()).hasSize(2);
    }

    @Test
    void aClientCanNeitherPublishEventsNorReachAddressesOutsideTheApi() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.sendFrame(new JsonObject()
                    .put("type", "publish")
                    .put("address", BusAddresses.EVENTS)
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN))
                    .put("body", new JsonObject()));
            assertThat(c.readFrame().getString("message")).isEqualTo("access_denied");
            c.sendFrame(request("vertx.internal", "r1", AgentFixture.ADMIN_TOKEN));
            JsonObject refused = c.readFrame();
            assertThat(refused.getInteger("failureCode")).isEqualTo(403);
            assertThat(refused.getString("address")).isEqualTo("r1");
            c.sendFrame(new JsonObject()
                    .put("type", "register")
                    .put("address", BusAddresses.STATUS)
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN)));
            assertThat(c.readFrame().getString("message")).isEqualTo("access_denied");
        }
        // The refused publish is in the audit as the refused registration is: it was answered without a record.
        Result audit = fixture.ctlAdmin("audit", "--json");
        assertThat(new JsonObject(audit.out())
                        .getJsonArray("records").stream()
                                .map(JsonObject.class::cast)
                                .filter(r -> BusAddresses.EVENTS.equals(r.getString("action"))))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getString("result")).isEqualTo("refused");
                    assertThat(r.getString("reason")).isEqualTo("publishing refused: only the agent publishes");
                    assertThat(r.getInteger("code")).isEqualTo(403);
                });
    }

    @Test
    void aSendTheRoleMayNotMakeIsA403WithOrWithoutAReplyAddress() throws Exception {
        // Without a replyAddress it was {"type":"err","message":"access_denied"}: no code, and not what event-bus.md
        // documents for either refusal. Authorisation is checked first, so the role's refusal is what comes back.
        int before = fixture.agent.changes();
        try (RawBridgeClient c = raw()) {
            c.sendFrame(request(BusAddresses.ACTIVATE, null, AgentFixture.READ_TOKEN));
            JsonObject oneWay = c.readFrame();
            assertThat(oneWay.getString("type")).isEqualTo("err");
            assertThat(oneWay.getString("address")).isEqualTo(BusAddresses.ACTIVATE);
            assertThat(oneWay.getInteger("failureCode")).isEqualTo(403);
            assertThat(oneWay.getString("message")).isEqualTo("forbidden: kmsagent.activate needs role admin");
            c.sendFrame(request(BusAddresses.ACTIVATE, "r1", AgentFixture.READ_TOKEN));
            JsonObject answered = c.readFrame();
            assertThat(answered.getString("address")).isEqualTo("r1");
            assertThat(answered.getInteger("failureCode")).isEqualTo(403);
            assertThat(answered.getString("message")).isEqualTo(oneWay.getString("message"));
            // An address outside the bridge's reach is refused alike, and the connection stays open.
            c.sendFrame(request("vertx.internal", null, AgentFixture.READ_TOKEN));
            JsonObject unreachable = c.readFrame();
            assertThat(unreachable.getInteger("failureCode")).isEqualTo(403);
            assertThat(unreachable.getString("message")).startsWith("access_denied: ");
            c.sendFrame(request(BusAddresses.STATUS, "r2", AgentFixture.READ_TOKEN));
            assertThat(c.readFrame().getString("address")).isEqualTo("r2");
        }
        assertThat(fixture.agent.changes()).isEqualTo(before);
    }

    @Test
    void aRequestWithoutAReplyAddressIsRefusedNotRunOutsideTheInFlightBound() throws Exception {
        try (RawBridgeClient c = raw()) {
            // Pipelined without reading: each would have queued a request on the machine thread, unbounded.
            for (int i = 0; i < 3 * BridgeConnection.MAX_IN_FLIGHT; i++) {
                c.sendFrame(request(BusAddresses.STATUS, null, AgentFixture.READ_TOKEN));
            }
            for (int i = 0; i < 3 * BridgeConnection.MAX_IN_FLIGHT; i++) {
                JsonObject refused = c.readFrame();
                assertThat(refused.getString("type")).isEqualTo("err");
                assertThat(refused.getInteger("failureCode")).isEqualTo(400);
                assertThat(refused.getString("message"))
                        .isEqualTo("replyAddress: required: kmsagent.status answers every request");
            }
            // The connection stays open for requests made as the protocol says.
            c.sendFrame(request(BusAddresses.STATUS, "r1", AgentFixture.READ_TOKEN));
            JsonObject reply = c.readFrame();
            assertThat(reply.getString("address")).isEqualTo("r1");
            assertThat(reply.getJsonObject("body").containsKey("products")).isTrue();
        }
    }

    @Test
    void aConnectionThatKeepsAskingForWhatItsTokenMayNotDoIsClosed() throws Exception {
        try (RawBridgeClient c = raw()) {
            for (int i = 1; i <= BridgeConnection.MAX_REFUSALS; i++) {
                c.sendFrame(request(BusAddresses.ACTIVATE, "r" + i, AgentFixture.READ_TOKEN));
                assertThat(c.readFrame().getInteger("failureCode")).isEqualTo(403);
            }
            assertThat(c.readFrame().getString("message"))
                    .isEqualTo("too_many_refusals: " + BridgeConnection.MAX_REFUSALS
                            + " requests refused on this connection");
            assertThat(c.closedByAgent()).isTrue();
        }
        // Others are served as before; a new connection of the same token too.
        try (RawBridgeClient c = raw()) {
            c.sendFrame(request(BusAddresses.STATUS, "r1", AgentFixture.READ_TOKEN));
            assertThat(c.readFrame().getString("address")).isEqualTo("r1");
        }
    }

    @Test
    void aSecondCredentialOnAConnectionIsAnsweredOnItsReplyAddressThenTheConnectionClosed() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.sendFrame(request(BusAddresses.STATUS, "r1", AgentFixture.READ_TOKEN));
            assertThat(c.readFrame().getString("address")).isEqualTo("r1");

            c.sendFrame(request(BusAddresses.STATUS, "r2", AgentFixture.ADMIN_TOKEN));
            JsonObject answer = c.readFrame();
            assertThat(answer.getString("address")).isEqualTo("r2");
            assertThat(answer.getInteger("failureCode")).isEqualTo(401);
            assertThat(c.readFrame().getString("message")).isEqualTo("not_authorised");
            assertThat(c.closedByAgent()).isTrue();
        }
        assertServing();
    }

    @Test
    void aFrameOfAnUnknownTypeOrWithoutAddressIsRefusedSayingWhatCame() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.sendFrame(new JsonObject()
                    .put("type", "sned")
                    .put("address", BusAddresses.STATUS)
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN)));
            assertThat(c.readFrame().getString("message")).startsWith("unknown_type: 'sned' (expected send, ");
            c.sendFrame(new JsonObject()
                    .put("type", "x".repeat(3_000))
                    .put("address", BusAddresses.STATUS)
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN)));
            assertThat(c.readFrame().getString("message"))
                    .as("bounded")
                    .startsWith("unknown_type: 'xxx")
                    .hasSizeLessThan(200);
            c.sendFrame(new JsonObject()
                    .put("type", "send")
                    .put("replyAddress", "r1")
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN)));
            assertThat(c.readFrame().getString("message"))
                    .isEqualTo("missing_address: a 'send' frame needs an address");
            c.sendFrame(new JsonObject()
                    .put("type", 5)
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN)));
            assertThat(c.readFrame().getString("message"))
                    .as("a type that is no string is named as it came, before the missing address")
                    .isEqualTo(
                            "unknown_type: 5 (a number, not a string) (expected send, register, unregister or ping)");
            c.sendFrame(new JsonObject()
                    .put("type", "sned")
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN)));
            assertThat(c.readFrame().getString("message")).startsWith("unknown_type: 'sned' (expected send, ");
            c.sendFrame(new JsonObject().put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN)));
            assertThat(c.readFrame().getString("message")).startsWith("unknown_type: untyped (expected send, ");
        }
    }

    @Test
    void aMalformedBodyIsA400NamingTheField() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.sendFrame(new JsonObject()
                    .put("type", "send")
                    .put("address", BusAddresses.KMS_SET)
                    .put("replyAddress", "r")
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN))
                    .put("body", new JsonObject().put("host", "kms.example").put("port", "sixteen-eighty-eight")));
            JsonObject reply = c.readFrame();
            assertThat(reply.getInteger("failureCode")).isEqualTo(400);
            assertThat(reply.getString("message"))
                    .isEqualTo("port: expected a whole number 1-65535, got \"sixteen-eighty-eight\" (text)");
            c.sendFrame(new JsonObject()
                    .put("type", "send")
                    .put("address", BusAddresses.ACTIVATE)
                    .put("replyAddress", "r")
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN))
                    .put("body", new JsonObject().put("famliy", "office2013")));
            assertThat(c.readFrame().getString("message")).isEqualTo("famliy: unknown field (accepted: family)");
        }
        assertThat(fixture.agent.kms("*")).isEmpty();
    }

    @Test
    void aMisspelledFieldInAnAuditReadIsRefusedNamingItInsteadOfReadingEveryRecord() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.sendFrame(new JsonObject()
                    .put("type", "send")
                    .put("address", BusAddresses.AUDIT)
                    .put("replyAddress", "r")
                    .put("headers", new JsonObject().put("token", AgentFixture.ADMIN_TOKEN))
                    .put("body", new JsonObject().put("limit", 5).put("sinse", "2026-11-28T12:00:00Z")));
            JsonObject reply = c.readFrame();
            assertThat(reply.getInteger("failureCode")).isEqualTo(400);
            assertThat(reply.getString("message")).isEqualTo("sinse: unknown field (accepted: since, limit)");
        }
    }

    @Test
    void malformedJsonGetsAnErrorAndTheConnectionIsClosed() throws Exception {
        try (RawBridgeClient c = raw()) {
            byte[] junk = ("{\"type\":\"send\",\"headers\":{\"token\":\"" + AgentFixture.ADMIN_TOKEN + "\"},")
                    .getBytes(StandardCharsets.UTF_8);
            c.writeLength(junk.length);
            c.writeRaw(junk);
            assertThat(c.readFrame().getString("message")).isEqualTo("malformed_frame: not valid JSON");
            assertThat(c.closedByAgent()).isTrue();
        }
        assertServing();
    }

    @Test
    void anOversizedFrameIsRefusedFromItsLengthAloneAndTheConnectionClosed() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.writeLength(64 * 1024 * 1024); // declares 64 MiB, sends none of it
            assertThat(c.readFrame().getString("message")).startsWith("frame_too_large: declared 67108864 bytes");
            assertThat(c.closedByAgent()).isTrue();
        }
        try (RawBridgeClient c = raw()) {
            c.writeLength(-1);
            assertThat(c.readFrame().getString("message")).startsWith("frame_too_large");
        }
        assertServing();
    }

    @Test
    void aTruncatedFrameHurtsNoOne() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.writeLength(300);
            c.writeRaw("{\"type\":\"send\",\"addr".getBytes(StandardCharsets.UTF_8));
        } // closed mid-frame
        assertServing();
    }

    @Test
    void aFloodOfConnectionsIsBoundedAndTheAgentServesAfterwards() throws Exception {
        int flood = 200;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<RawBridgeClient> held = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger turnedAway = new AtomicInteger();
        try {
            List<Future<?>> attempts = new ArrayList<>();
            for (int i = 0; i < flood; i++) {
                attempts.add(pool.submit(() -> {
                    RawBridgeClient c = raw();
                    held.add(c);
                    // An authenticated request, not a ping: a served connection then stays served (no authentication
                    // deadline closes it and frees its slot for a later one), however slowly the flood goes under load.
                    c.sendFrame(request(BusAddresses.STATUS, "flood", AgentFixture.READ_TOKEN));
                    JsonObject first = c.readFrameOrEnd().orElse(new JsonObject().put("message", "closed"));
                    // Refused with the reason, or closed before an answer (under load an unauthenticated connection
                    // may be dropped by the handshake deadline first): either way not served.
                    if ("too_many_connections".equals(first.getString("message")) || !first.containsKey("type")) {
                        turnedAway.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : attempts) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    turnedAway.incrementAndGet(); // reset while writing the ping: also turned away
                }
            }
            assertThat(fixture.daemon.bridge().connectionCount()).isLessThanOrEqualTo(MAX_CONNECTIONS);
            assertThat(turnedAway.get()).isGreaterThanOrEqualTo(flood - MAX_CONNECTIONS);
        } finally {
            pool.shutdownNow();
            for (RawBridgeClient c : held) {
                c.close();
            }
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> fixture.daemon.bridge().connectionCount() == 0);
        assertServing();
    }

    @Test
    void aClientThatPipelinesRequestsIsThrottledButEveryRequestIsAnswered() throws Exception {
        int requests = 500;
        try (RawBridgeClient c = raw()) {
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                // Written from another thread: once the bridge stops reading, TCP back-pressure blocks this writer.
                Future<?> sent = writer.submit(() -> {
                    for (int i = 0; i < requests; i++) {
                        c.sendFrame(request(BusAddresses.STATUS, "r" + i, AgentFixture.READ_TOKEN));
                    }
                    return null;
                });
                Set<String> answered = new HashSet<>();
                for (int i = 0; i < requests; i++) {
                    JsonObject reply = c.readFrame();
                    assertThat(reply.getString("type")).isEqualTo("message");
                    answered.add(reply.getString("address"));
                }
                sent.get();
                assertThat(answered).hasSize(requests);
            } finally {
                writer.shutdownNow();
            }
        }
        assertServing();
    }

    @Test
    void pingIsAnsweredWithoutAToken() throws Exception {
        try (RawBridgeClient c = raw()) {
            c.sendFrame(new JsonObject().put("type", "ping"));
            assertThat(c.readFrame().getString("type")).isEqualTo("pong");
        }
    }

    /** A {@code send} frame as a client writes it: the address, the reply address (none when null) and a token. */
    private static JsonObject request(String address, String replyAddress, String token) {
        JsonObject frame = new JsonObject().put("type", "send").put("address", address);
        if (replyAddress != null) {
            frame.put("replyAddress", replyAddress);
        }
        return frame.put("headers", new JsonObject().put("token", token)).put("body", new JsonObject());
    }
}
