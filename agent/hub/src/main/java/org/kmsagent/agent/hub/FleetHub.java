package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;
import org.kmsagent.agent.bus.SameProcessJson;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.bridge.BridgeCaller;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub's fleet service, deployed on the hub's clustered Vert.x: it keeps the fleet view in three cluster-wide maps
 * ({@link FleetMaps}), serves the agents connected to this hub (register, heartbeat, events), and answers the fleet's
 * addresses: its views through {@link FleetViews}, control-API requests to one agent or all through
 * {@link FleetRouter}.
 *
 * <p>Agent-facing and query addresses are local consumers: an agent's messages are handled by the hub it is
 * connected to, which also serialises each agent's updates (one chain of futures per agent id). A command reaches
 * this hub's own agents by a local publish, and the agents of other hubs through one clustered address every hub
 * relays from ({@link FleetAddresses#DELIVER}); so the bridge registers agents on their command addresses as local
 * consumers, and no agent's connection writes to the cluster's subscription map. Replies from agents come back on
 * this hub's own clustered reply address, correlated by request id.
 */
public final class FleetHub extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(FleetHub.class);
    private static final Pattern AGENT_ID = AgentCredentials.AGENT_ID;

    private final String hubName;
    private final Clock clock;
    /** This hub process, in the records of the agents connected to it ({@code hubInstance}) and in relayed commands. */
    private final String instance = UUID.randomUUID().toString();

    private final Map<String, Future<?>> chains = new HashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    /** Shared-token connections to the agent each speaks for; the oldest are forgotten past 100,000. */
    private final Map<String, String> sharedConnections = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 100_000;
        }
    };

    private final HubAudit audit;
    // Made in start(), once the cluster's maps are open.
    private FleetMaps maps;
    private FleetViews views;
    private FleetRouter router;

    /**
     * @param hubName how this hub is named in the fleet view (e.g. its bridge's host:port)
     * @param clock the time the view records
     */
    public FleetHub(String hubName, Clock clock) {
        this(hubName, clock, null);
    }

    /**
     * @param auditLog this hub's own audit log, answered with the agents' records on {@link FleetAddresses#AUDIT}
     *     (null: only the agents')
     */
    public FleetHub(String hubName, Clock clock, AuditLog auditLog) {
        this.hubName = hubName;
        this.clock = clock;
        this.audit = new HubAudit(hubName, auditLog);
    }

    @Override
    public Future<?> start() {
        return Future.all(FleetMaps.open(vertx).onSuccess(m -> maps = m), audit.start(vertx))
                .compose(v -> {
                    views = new FleetViews(maps, audit, clock);
                    router = new FleetRouter(vertx, maps, clock, instance, hubName);
                    SameProcessJson.registerOn(vertx.eventBus());
                    local(FleetAddresses.REGISTER, this::register);
                    local(FleetAddresses.HEARTBEAT, this::heartbeat);
                    local(FleetAddresses.EVENTS, this::events);
                    request(FleetAddresses.VIEW, List.of(), (r, m) -> views.view());
                    request(FleetAddresses.EXPIRING, List.of("days"), (r, m) -> views.expiring(r));
                    request(FleetAddresses.POOLS, List.of("horizonDays"), (r, m) -> views.pools(r));
                    request(FleetAddresses.DUPLICATES, List.of(), (r, m) -> views.duplicates());
                    request(FleetAddresses.HOSTS, List.of(), (r, m) -> views.hosts());
                    request(FleetAddresses.CLIENTS, List.of("unmanaged"), (r, m) -> views.clients(r));
                    request(FleetAddresses.HISTORY, List.of("target"), (r, m) -> views.history(r));
                    request(FleetAddresses.AUDIT, FleetViews.AUDIT_FIELDS, (r, m) -> views.audit(r));
                    request(FleetAddresses.FORGET, List.of("agentId"), (r, m) -> forget(r.json()));
                    request(
                            FleetAddresses.ROUTE_QUERY,
                            FleetRouter.ROUTE_FIELDS,
                            (r, m) -> router.route(r, BusAddresses.QUERIES, null));
                    request(
                            FleetAddresses.ROUTE_CHANGE,
                            FleetRouter.ROUTE_FIELDS,
                            // Who asked, for the audit record each agent makes of the change (never the client's own
                            // say).
                            (r, m) -> router.route(
                                    r, BusAddresses.CHANGES, m.headers().get(BridgeCaller.HEADER_CLIENT)));
                    notAnAgent(BusAddresses.QUERIES);
                    notAnAgent(BusAddresses.CHANGES);
                    // Clustered: agents on other hubs answer here.
                    consumers.add(vertx.eventBus().<Object>consumer(router.replyAddress(), router::answered));
                    // Clustered, one registration per hub: commands other hubs route to agents connected here.
                    consumers.add(vertx.eventBus().<Object>consumer(FleetAddresses.DELIVER, router::relay));
                    return Future.all(
                            consumers.stream().map(MessageConsumer::completion).toList());
                });
    }

    /** This hub's name in the fleet view. */
    public String name() {
        return hubName;
    }

    /**
     * A hub has no control API of its own: {@code ctl --hub HUB status} without {@code --target} or
     * {@code --all-agents} lands here, and is told what to add rather than that nothing handles the address.
     */
    private void notAnAgent(List<String> addresses) {
        for (String address : addresses) {
            consumers.add(vertx.eventBus()
                    .<Object>localConsumer(
                            address,
                            msg -> msg.fail(
                                    BusCodes.NOT_FOUND,
                                    HubRoutes.notAnAgent(
                                            hubName,
                                            "route " + address + " to one agent with --target AGENT_ID, or"
                                                    + " to every agent with --all-agents"))));
        }
    }

    private void local(String address, Function<JsonObject, Future<JsonObject>> work) {
        consumers.add(vertx.eventBus().<Object>localConsumer(address, (Message<Object> msg) -> {
            JsonObject body = msg.body() instanceof JsonObject o ? o : new JsonObject();
            String speaker = msg.headers().get(BridgeCaller.HEADER_AGENT);
            if (speaker != null && !speaker.equals(body.getValue("agentId"))) {
                // An enrolled agent's credential speaks for that agent only.
                LOG.warn(
                        "fleet: refused {} from agent {} claiming to be agent {}",
                        address,
                        speaker,
                        BoundedInput.printable(String.valueOf(body.getValue("agentId"))));
                msg.fail(BusCodes.FORBIDDEN, "agentId: this credential belongs to agent " + speaker);
                return;
            }
            String connection = msg.headers().get(BridgeCaller.HEADER_CONNECTION);
            if (speaker == null
                    && connection != null
                    && FleetAddresses.AGENT_SENDS.contains(address)
                    && body.getValue("agentId") instanceof String claimed) {
                // A shared agent token (migration mode) names no agent: then one connection speaks for one agent only.
                String first = sharedConnections.putIfAbsent(connection, claimed);
                if (first != null && !first.equals(claimed)) {
                    LOG.warn(
                            "fleet: refused {} from client '{}': its connection speaks for agent {}, not {}",
                            address,
                            BoundedInput.printable(msg.headers().get(BridgeCaller.HEADER_CLIENT)),
                            first,
                            BoundedInput.printable(claimed));
                    msg.fail(BusCodes.FORBIDDEN, "agentId: this connection speaks for agent " + first);
                    return;
                }
            }
            answer(address, msg, () -> work.apply(body));
        }));
    }

    /**
     * A client's request to a fleet address: its body is checked against the fields the address accepts
     * ({@link RequestBody}, as the agent's control API checks its own) before any work, and every outcome is answered
     * at once.
     */
    private void request(
            String address, List<String> fields, BiFunction<RequestBody, Message<Object>, Future<JsonObject>> work) {
        consumers.add(vertx.eventBus()
                .<Object>localConsumer(
                        address,
                        msg -> answer(address, msg, () -> work.apply(RequestBody.of(msg.body(), fields), msg))));
    }

    /** Runs the work and answers its result; a refusal with its code, anything else with 500 (never a timeout). */
    private void answer(String address, Message<Object> msg, Supplier<Future<JsonObject>> work) {
        Future<JsonObject> result;
        try {
            result = work.get();
        } catch (ControlException e) {
            refused(address, msg, e);
            msg.fail(e.code(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                // Made for this request alone, and a local consumer's requester is in this process: no copy.
                msg.reply(ar.result(), SameProcessJson.reply());
            } else if (ar.cause() instanceof ControlException fe) {
                refused(address, msg, fe);
                msg.fail(fe.code(), fe.getMessage());
            } else {
                LOG.error("fleet: {} failed", address, ar.cause());
                msg.fail(BusCodes.INTERNAL, "internal error on hub " + hubName + "; see its log");
            }
        });
    }

    /** Logs what an agent was refused (queries' bad requests are the client's business and not logged). */
    private static void refused(String address, Message<Object> msg, ControlException e) {
        if (FleetAddresses.AGENT_SENDS.contains(address)) {
            LOG.warn(
                    "fleet: refused {} from client '{}': {}",
                    address,
                    BoundedInput.printable(msg.headers().get(BridgeCaller.HEADER_CLIENT)),
                    BoundedInput.printable(e.getMessage()));
        }
    }

    /** Runs one update of an agent's record after the previous one finished (even if it failed). */
    private <T> Future<T> serial(String agentId, Supplier<Future<T>> work) {
        Future<?> before = chains.getOrDefault(agentId, Future.succeededFuture());
        Promise<T> done = Promise.promise();
        before.onComplete(x -> work.get().onComplete(done));
        Future<T> f = done.future();
        chains.put(agentId, f);
        f.onComplete(x -> chains.remove(agentId, f));
        return f;
    }

    private static String agentId(JsonObject body, String field) {
        Object id = body.getValue(field);
        if (!(id instanceof String s) || !AGENT_ID.matcher(s).matches()) {
            throw RequestBody.expected(field, AgentCredentials.AGENT_ID_FORM.accepted(), id);
        }
        return s;
    }

    /**
     * Takes a retired agent out of the fleet: its record, presence, history and forwarded audit records. One still
     * connected is refused (it would register again at once) unless its credential is revoked; an unknown one is 404.
     */
    private Future<JsonObject> forget(JsonObject body) {
        String id = agentId(body, "agentId");
        Instant now = clock.instant();
        return serial(
                id,
                () -> maps.agents().get(id).compose(record -> {
                    if (record == null) {
                        return Future.failedFuture(ControlException.notFound("no agent " + id + " in the fleet"));
                    }
                    return maps.presenceOf(id)
                            .map(presence -> AgentRecords.withPresence(record, presence))
                            .compose(heard -> (AgentRecords.connected(heard, now)
                                            // Heard from lately, but revoked: its connections are closed and it cannot
                                            // register again, so it is forgotten now, not three heartbeats later.
                                            ? AgentCredentials.revoked(vertx, id)
                                            : Future.succeededFuture(true))
                                    .map(mayForget -> mayForget ? null : AgentRecords.whyConnected(heard, now)))
                            .compose(connected -> {
                                if (connected != null) {
                                    // A service stopped a moment ago is still heard from: say when it no longer is.
                                    return Future.failedFuture(ControlException.conflict("agent " + id
                                            + " is connected: " + connected + "; stop its service and forget it"
                                            + " after that, or revoke it first (ctl fleet revoke)"));
                                }
                                return Future.all(
                                                maps.forget(id, record.getLong("historyCount", 0L)),
                                                audit.forget(id, record.getLong("auditCount", 0L)))
                                        .map(v -> {
                                            LOG.info(
                                                    "fleet: agent {} forgotten (its record, history and audit records)",
                                                    id);
                                            return new JsonObject()
                                                    .put("agentId", id)
                                                    .put("forgotten", true);
                                        });
                            });
                }));
    }

    private Future<JsonObject> register(JsonObject body) {
        String id = agentId(body, "agentId");
        Object written = body.getValue("writtenSeq", 0L);
        if (!RequestBody.wholeWithin(written, 0, AgentRecords.MAX_SEQ)) {
            throw RequestBody.outOfRange("writtenSeq", 0, AgentRecords.MAX_SEQ, written);
        }
        RegistrationCheck.check(body);
        Instant now = clock.instant();
        return serial(
                id,
                () -> maps.agents().get(id).compose(existing -> {
                    JsonObject record =
                            AgentRecords.register(existing, body, hubName, now).put("hubInstance", instance);
                    if (existing != null
                            && existing.getString("hostName") != null
                            && !existing.getString("hostName").equals(record.getString("hostName"))) {
                        LOG.warn(
                                "fleet: agent {} registered again under another host name: {} (was {})",
                                id,
                                BoundedInput.printable(record.getString("hostName")),
                                BoundedInput.printable(existing.getString("hostName")));
                    }
                    if (existing == null || !hubName.equals(existing.getString("hub"))) {
                        LOG.info(
                                "fleet: agent {} ({}) registered through {}",
                                id,
                                record.getString("hostName"),
                                hubName);
                    }
                    return maps.agents()
                            .put(id, record)
                            .compose(v -> maps.writePresence(id, AgentRecords.presence(record)))
                            .map(v -> new JsonObject()
                                    .put("lastSeq", record.getLong("lastSeq"))
                                    .put("hub", hubName));
                }));
    }

    private Future<JsonObject> heartbeat(JsonObject body) {
        String id = agentId(body, "agentId");
        Instant now = clock.instant();
        return serial(
                id,
                () -> maps.presenceOf(id).compose(existing -> {
                    if (existing == null) {
                        // Registered through no hub, or through a hub of an earlier build that kept no presence
                        // entries: the agent registers again, which writes one.
                        return Future.failedFuture(ControlException.conflict("agent " + id + " is not registered"));
                    }
                    return maps.writePresence(id, AgentRecords.heartbeat(existing, now))
                            .map(v -> new JsonObject().put("hub", hubName));
                }));
    }

    private Future<JsonObject> events(JsonObject body) {
        String id = agentId(body, "agentId");
        JsonArray events = body.getValue("events") instanceof JsonArray a ? a : null;
        if (events == null) {
            throw ControlException.badRequest("events: expected an array");
        }
        Instant now = clock.instant();
        return serial(
                id,
                () -> maps.agents().get(id).compose(existing -> {
                    if (existing == null) {
                        return Future.failedFuture(ControlException.conflict("agent " + id + " is not registered"));
                    }
                    AgentRecords.Applied applied;
                    try {
                        applied = AgentRecords.apply(existing, events, now);
                    } catch (IllegalArgumentException e) {
                        return Future.failedFuture(ControlException.badRequest(e.getMessage()));
                    }
                    List<JsonObject> historic = applied.accepted().stream()
                            .filter(AgentRecords::historic)
                            .toList();
                    long kept = existing.getLong("historyCount", 0L);
                    Future<Void> appended =
                            historic.isEmpty() ? Future.succeededFuture() : maps.append(id, kept, historic);
                    applied.record().put("historyCount", kept + historic.size());
                    // History first, then the record whose lastSeq (and historyCount) acknowledges: a hub dying in
                    // between makes the agent re-send, and the history's last piece is cut back to what the record
                    // counts before the events are appended again.
                    long audited = existing.getLong("auditCount", 0L);
                    return appended.compose(v -> audit.store(id, audited, applied.accepted()))
                            .compose(n -> {
                                if (n > 0) {
                                    applied.record().put("auditCount", audited + n);
                                }
                                return maps.agents().put(id, applied.record());
                            })
                            .map(v -> {
                                announce(applied.record(), historic);
                                return new JsonObject()
                                        .put("acked", applied.record().getLong("lastSeq"));
                            });
                }));
    }

    /** Publishes newly applied history events on {@link FleetAddresses#LIVE} for dashboards and metrics. */
    private void announce(JsonObject record, List<JsonObject> historic) {
        String agentId = record.getString("agentId");
        String hostName = record.getString("hostName");
        for (JsonObject e : historic) {
            // A shallow copy with the agent's names: the event bus copies what it hands to each consumer here and
            // encodes what goes to other hubs, and nothing changes an event once it is applied (a deep copy per event
            // was an eighth of a hub's ingest work at 10,000 agents).
            JsonObject live = new JsonObject(new LinkedHashMap<>(e.getMap()))
                    .put("agentId", agentId)
                    .put("hostName", hostName)
                    .put("hub", hubName);
            vertx.eventBus().publish(FleetAddresses.LIVE, live);
        }
    }

    @Override
    public Future<?> stop() {
        return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    }
}
