package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;
import org.kmsagent.agent.bus.bridge.BridgeCaller;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes control-API requests to one agent of the fleet or to all, across the cluster, and gathers their answers
 * ({@link FanOut}). A command reaches this hub's own agents by a local publish, and the agents of other hubs through
 * one clustered address every hub relays from ({@link FleetAddresses#DELIVER}); agents answer on this hub's own
 * clustered reply address ({@link #replyAddress}), correlated by request id. Runs on its hub's event loop.
 */
final class FleetRouter {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRouter.class);
    /** How long a fan-out waits when the client gives no deadline. */
    static final long DEFAULT_DEADLINE_MS = 5_000;

    static final long MAX_DEADLINE_MS = 55_000;
    /** What a routed request may hold ({@code kmsagent.fleet.route.query} and {@code .change}). */
    static final List<String> ROUTE_FIELDS = List.of("address", "body", "target", "deadlineMs");

    private final Vertx vertx;
    private final FleetMaps maps;
    private final Clock clock;
    /** This hub process, as the records of the agents connected to it name it ({@code hubInstance}). */
    private final String instance;
    /** This hub's name in the fleet view: the agents' audit records of a change name the hub it was asked at. */
    private final String hubName;

    private final String replyAddress;
    private final Map<String, FanOut> fanOuts = new HashMap<>();
    /** Fan-outs other hubs asked of this hub's agents, by request id: their answers go back in batches. */
    private final Map<String, RelayedAnswers> relayedAnswers = new HashMap<>();

    FleetRouter(Vertx vertx, FleetMaps maps, Clock clock, String instance, String hubName) {
        this.vertx = vertx;
        this.hubName = hubName;
        this.maps = maps;
        this.clock = clock;
        this.instance = instance;
        this.replyAddress = FleetAddresses.REPLY_PREFIX + "hub-" + instance;
    }

    /** Where agents answer this hub's commands (a clustered address of this hub process alone). */
    String replyAddress() {
        return replyAddress;
    }

    /**
     * @param requestedBy the bridge client that asked a change (for the agents' audit records), or null
     */
    Future<JsonObject> route(RequestBody body, List<String> allowed, String requestedBy) {
        String accepted = "one of " + String.join(", ", allowed);
        String address = body.requiredText("address", RequestBody.TextForm.described(accepted));
        if (!allowed.contains(address)) {
            // A change sent to route.query is refused for the role it needs (403), anything else as malformed (400).
            throw new ControlException(
                    BusAddresses.CHANGES.contains(address) ? BusCodes.FORBIDDEN : BusCodes.BAD_REQUEST,
                    RequestBody.expected("address", accepted, address).getMessage());
        }
        String target = body.text("target", AgentCredentials.AGENT_ID_FORM).orElse(null);
        long deadline = body.whole("deadlineMs", 1, MAX_DEADLINE_MS).orElse(DEFAULT_DEADLINE_MS);
        Object request = body.object("body").orElseGet(JsonObject::new);
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        JsonObject command = new JsonObject()
                .put("requestId", requestId)
                .put("replyTo", replyAddress)
                .put("address", address)
                .put("body", request);
        if (requestedBy != null) {
            command.put("requestedBy", requestedBy).put("askedAt", hubName);
        }
        if (target == null && !BusAddresses.CHANGES.contains(address)) {
            return queryAll(command, deadline, started);
        }
        // One agent, or a change: a change may carry a product key, so it goes to each agent's own address, which only
        // that agent's credential can register on, never to the address every agent shares. A query to one agent
        // reads that agent's presence entry only, not the fleet's: at 10,000 agents reading the fleet's records took
        // about 200 ms where one takes 4 (docs/performance-log.md).
        Future<Map<String, JsonObject>> known = target == null
                ? maps.present()
                : maps.presenceOf(target).map(p -> p == null ? Map.<String, JsonObject>of() : Map.of(target, p));
        return known.compose(all -> {
            if (target != null && !all.containsKey(target)) {
                return Future.failedFuture(ControlException.notFound("target: no agent " + target + " in the fleet"));
            }
            FanOut fanOut = new FanOut();
            Set<String> awaited = fanOut.expect(all, clock.instant());
            fanOuts.put(requestId, fanOut);
            JsonArray elsewhere = new JsonArray();
            for (String id : awaited) {
                if (here(all.get(id))) {
                    publishHere(FleetAddresses.agent(id), command);
                } else {
                    elsewhere.add(id);
                }
            }
            if (!elsewhere.isEmpty()) {
                vertx.eventBus().publish(FleetAddresses.DELIVER, relayed(command, elsewhere, deadline));
            }
            return awaitAnswers(requestId, fanOut, Future.succeededFuture(all), deadline, started);
        });
    }

    /**
     * A query to every agent: one local publish reaches this hub's agents, one relay the other hubs'. It goes out
     * before the fleet's presence entries are read (the records, read before them, took about as long as the agents
     * take to answer at 10,000 agents: docs/performance-log.md): the two overlap, and answers that come first wait in
     * the fan-out until it knows whom to expect.
     */
    private Future<JsonObject> queryAll(JsonObject command, long deadline, long started) {
        String requestId = command.getString("requestId");
        FanOut fanOut = new FanOut();
        fanOuts.put(requestId, fanOut);
        publishHere(FleetAddresses.ALL_AGENTS, command);
        vertx.eventBus().publish(FleetAddresses.DELIVER, relayed(command, null, deadline));
        Future<Map<String, JsonObject>> known = maps.present().onSuccess(all -> fanOut.expect(all, clock.instant()));
        return awaitAnswers(requestId, fanOut, known, deadline, started);
    }

    /** The fan-out's report once every awaited agent answered or the deadline passed, whichever comes first. */
    private Future<JsonObject> awaitAnswers(
            String requestId, FanOut fanOut, Future<Map<String, JsonObject>> known, long deadline, long started) {
        long timer = vertx.setTimer(deadline, t -> fanOut.deadlinePassed());
        return known.compose(all -> fanOut.done()
                        .map(v -> fanOut.report(
                                all, clock.instant(), deadline, (System.nanoTime() - started) / 1_000_000)))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    fanOuts.remove(requestId);
                });
    }

    /** Whether the agent of a record is connected to this hub process (it registered here last). */
    private boolean here(JsonObject record) {
        return instance.equals(record.getString("hubInstance"));
    }

    private void publishHere(String address, JsonObject command) {
        vertx.eventBus().publish(address, command, new DeliveryOptions().setLocalOnly(true));
    }

    /**
     * A command for the agents of other hubs. {@code batched} asks the hubs that deliver it to send their agents'
     * answers back in batches ({@link RelayedAnswers}); a hub that does not know the field delivers the command as it
     * is, and its agents answer here one by one, which {@link #answered} takes too.
     */
    private JsonObject relayed(JsonObject command, JsonArray targets, long deadline) {
        JsonObject relay = new JsonObject()
                .put("from", instance)
                .put("command", command)
                .put("batched", true)
                .put("deadlineMs", deadline);
        return targets == null ? relay : relay.put("targets", targets);
    }

    /**
     * Delivers a command another hub routed to the agents connected here: to all ({@code targets} absent) or to each
     * named agent's own address; an agent not connected here has no consumer and hears nothing. When the asking hub
     * takes batches, the agents answer here and their answers go on to it together.
     */
    void relay(Message<Object> msg) {
        if (!(msg.body() instanceof JsonObject relay)
                || instance.equals(relay.getString("from"))
                || !(relay.getValue("command") instanceof JsonObject command)) {
            return;
        }
        JsonArray targets = relay.getValue("targets") instanceof JsonArray t ? t : null;
        JsonObject delivered = gatherAnswers(relay, command, targets == null ? -1 : targets.size());
        if (targets == null) {
            publishHere(FleetAddresses.ALL_AGENTS, delivered);
            return;
        }
        for (Object id : targets) {
            if (id instanceof String s && AgentCredentials.AGENT_ID.matcher(s).matches()) {
                publishHere(FleetAddresses.agent(s), delivered);
            }
        }
    }

    /**
     * The command as this hub's agents get it: answering here when the asking hub takes batches, until its deadline
     * (after which it no longer waits for answers).
     */
    private JsonObject gatherAnswers(JsonObject relay, JsonObject command, int expected) {
        if (!Boolean.TRUE.equals(relay.getValue("batched"))
                || !(command.getValue("requestId") instanceof String requestId)
                || !(command.getValue("replyTo") instanceof String askingHub)
                || !askingHub.startsWith(FleetAddresses.REPLY_PREFIX)
                || relayedAnswers.containsKey(requestId)) {
            return command;
        }
        long deadline = relay.getValue("deadlineMs") instanceof Number n
                ? Math.max(1, Math.min(MAX_DEADLINE_MS, n.longValue()))
                : DEFAULT_DEADLINE_MS;
        relayedAnswers.put(requestId, new RelayedAnswers(vertx, requestId, askingHub, expected));
        vertx.setTimer(deadline, t -> {
            RelayedAnswers gathered = relayedAnswers.remove(requestId);
            if (gathered != null) {
                gathered.flush();
            }
        });
        return command.copy().put("replyTo", replyAddress);
    }

    /**
     * An answer from an agent (connected here, or to another hub that relayed it one by one), or a batch of answers
     * another hub gathered from its agents ({@link RelayedAnswers}). Answers to a fan-out another hub asked are
     * gathered for it.
     */
    void answered(Message<Object> msg) {
        if (!(msg.body() instanceof JsonObject reply)) {
            return;
        }
        if (reply.getValue("answers") instanceof JsonArray answers) {
            if (msg.headers().get(BridgeCaller.HEADER_CLIENT) != null) {
                // Batches come from hubs over the cluster only; a bridge client answers for itself, one at a time.
                LOG.warn(
                        "fleet: refused a batch of answers from client '{}'",
                        BoundedInput.printable(msg.headers().get(BridgeCaller.HEADER_CLIENT)));
                return;
            }
            FanOut f = reply.getValue("requestId") instanceof String id ? fanOuts.get(id) : null;
            if (f != null) {
                for (Object a : answers) {
                    if (a instanceof JsonObject answer) {
                        f.answer(answer);
                    }
                }
            }
            return;
        }
        String speaker = msg.headers().get(BridgeCaller.HEADER_AGENT);
        if (speaker != null && !speaker.equals(reply.getValue("agentId"))) {
            LOG.warn(
                    "fleet: refused an answer from agent {} in the name of agent {}",
                    speaker,
                    BoundedInput.printable(String.valueOf(reply.getValue("agentId"))));
            return;
        }
        if (!(reply.getValue("requestId") instanceof String requestId)) {
            return;
        }
        FanOut f = fanOuts.get(requestId);
        if (f != null) {
            f.answer(reply);
            return;
        }
        RelayedAnswers gathered = relayedAnswers.get(requestId);
        if (gathered != null) {
            gathered.add(reply);
        }
    }
}
