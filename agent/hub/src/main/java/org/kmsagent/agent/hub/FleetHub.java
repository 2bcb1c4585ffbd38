package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.BusJson;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;
import org.kmsagent.agent.bus.SameProcessJson;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.audit.AuditQuery;
import org.kmsagent.agent.bus.bridge.BridgeCaller;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.forecast.Duplicates;
import org.kmsagent.agent.hub.forecast.ExpiryForecast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub's fleet service, deployed on the hub's clustered Vert.x: it keeps the fleet view in three cluster-wide maps
 * ({@code kmsagent.fleet.agents}: agent id to {@link AgentRecords record}; {@code kmsagent.fleet.presence}: agent id
 * to its {@link AgentRecords#presence presence entry}; {@code kmsagent.fleet.history.chunks}: each agent's
 * append-only event list in pieces of {@value #HISTORY_CHUNK}), serves the agents connected to this hub
 * (register, heartbeat, events), answers fleet queries, and routes control-API requests to one agent or all, across
 * the cluster.
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
    /** How long a fan-out waits when the client gives no deadline. */
    static final long DEFAULT_DEADLINE_MS = 5_000;

    static final long MAX_DEADLINE_MS = 55_000;
    static final int DEFAULT_POOL_HORIZON_DAYS = 90;
    /** The longest pool forecast and expiry window a client may ask for, in days (ten years). */
    static final int MAX_DAYS = 3650;
    /** What a routed request may hold ({@code kmsagent.fleet.route.query} and {@code .change}). */
    private static final List<String> ROUTE_FIELDS = List.of("address", "body", "target", "deadlineMs");
    /** History events per cluster-map entry (a few KB of JSON). */
    static final int HISTORY_CHUNK = 64;

    private final String hubName;
    private final Clock clock;
    /** This hub process, in the records of the agents connected to it ({@code hubInstance}) and in relayed commands. */
    private final String instance = UUID.randomUUID().toString();

    private final String replyAddress = FleetAddresses.REPLY_PREFIX + "hub-" + instance;
    private final Map<String, Future<?>> chains = new HashMap<>();
    /** The hub's audit request: an agent's query ({@link AuditQuery#FIELDS}), and which agent's (all if absent). */
    private static final List<String> HUB_AUDIT_FIELDS =
            Stream.concat(Stream.of("agent"), AuditQuery.FIELDS.stream()).toList();

    private final Map<String, FanOut> fanOuts = new HashMap<>();
    /** Fan-outs other hubs asked of this hub's agents, by request id: their answers go back in batches. */
    private final Map<String, RelayedAnswers> relayedAnswers = new HashMap<>();

    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    /** Shared-token connections to the agent each speaks for; the oldest are forgotten past 100,000. */
    private final Map<String, String> sharedConnections = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 100_000;
        }
    };

    private AsyncMap<String, JsonObject> agents;
    /**
     * Where each agent is connected and when it was last heard from: written at registration with the record, and
     * alone at each heartbeat. A fan-out reads these small entries, not the fleet's records (which were a quarter of a
     * two-hub fan-out's work at the asking hub, read and decoded whole), and a heartbeat no longer reads and writes
     * back the whole record. Kept as JSON text: Hazelcast holds a string as it is, where Vert.x wraps a JSON object
     * in a holder that names its classes, a fifth of what an entry costs a hub (an entry and its backup per agent).
     */
    private AsyncMap<String, String> presence;
    /**
     * Each agent's history in pieces of {@link #HISTORY_CHUNK} events: key {@code agentId/n}. Appending touches the last
     * piece only, so a batch costs the same whatever the agent's history holds (one growing array per agent, read and
     * written back whole on every batch, made ingest slower with every event). The agent's record counts the events
     * kept ({@code historyCount}); what a piece holds beyond that count (a write whose record never followed) is
     * dropped when the piece is next written.
     */
    private AsyncMap<String, JsonArray> history;

    private final HubAudit audit;

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
        return Future.all(
                        vertx.sharedData()
                                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                                .onSuccess(m -> agents = m),
                        vertx.sharedData()
                                .<String, String>getAsyncMap("kmsagent.fleet.presence")
                                .onSuccess(m -> presence = m),
                        vertx.sharedData()
                                .<String, JsonArray>getAsyncMap("kmsagent.fleet.history.chunks")
                                .onSuccess(m -> history = m),
                        audit.start(vertx))
                .compose(v -> {
                    SameProcessJson.registerOn(vertx.eventBus());
                    local(FleetAddresses.REGISTER, this::register);
                    local(FleetAddresses.HEARTBEAT, this::heartbeat);
                    local(FleetAddresses.EVENTS, this::events);
                    request(FleetAddresses.VIEW, List.of(), (r, m) -> view());
                    request(FleetAddresses.EXPIRING, List.of("days"), (r, m) -> expiring(r));
                    request(FleetAddresses.POOLS, List.of("horizonDays"), (r, m) -> pools(r));
                    request(FleetAddresses.DUPLICATES, List.of(), (r, m) -> duplicates());
                    request(FleetAddresses.HOSTS, List.of(), (r, m) -> hosts());
                    request(FleetAddresses.CLIENTS, List.of("unmanaged"), (r, m) -> clients(r));
                    request(FleetAddresses.HISTORY, List.of("target"), (r, m) -> history(r));
                    request(FleetAddresses.ROUTE_QUERY, ROUTE_FIELDS, (r, m) -> route(r, BusAddresses.QUERIES, null));
                    request(
                            FleetAddresses.ROUTE_CHANGE,
                            ROUTE_FIELDS,
                            // Who asked, for the audit record each agent makes of the change (never the client's own
                            // say).
                            (r, m) -> route(r, BusAddresses.CHANGES, m.headers().get(BridgeCaller.HEADER_CLIENT)));
                    request(FleetAddresses.AUDIT, HUB_AUDIT_FIELDS, (r, m) -> audit(r));
                    notAnAgent(BusAddresses.QUERIES);
                    notAnAgent(BusAddresses.CHANGES);
                    // Clustered: agents on other hubs answer here.
                    MessageConsumer<Object> replies = vertx.eventBus().consumer(replyAddress, this::answered);
                    consumers.add(replies);
                    // Clustered, one registration per hub: commands other hubs route to agents connected here.
                    consumers.add(vertx.eventBus().<Object>consumer(FleetAddresses.DELIVER, this::relay));
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

    private Future<JsonObject> register(JsonObject body) {
        String id = agentId(body, "agentId");
        Object written = body.getValue("writtenSeq", 0L);
        if (!RequestBody.wholeWithin(written, 0, AgentRecords.MAX_SEQ)) {
            throw RequestBody.outOfRange("writtenSeq", 0, AgentRecords.MAX_SEQ, written);
        }
        Instant now = clock.instant();
        return serial(
                id,
                () -> agents.get(id).compose(existing -> {
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
                    return agents.put(id, record)
                            .compose(v -> presence.put(
                                    id, AgentRecords.presence(record).encode()))
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
                () -> presenceOf(id).compose(existing -> {
                    if (existing == null) {
                        // Registered through no hub, or through a hub of an earlier build that kept no presence
                        // entries: the agent registers again, which writes one.
                        return Future.failedFuture(ControlException.conflict("agent " + id + " is not registered"));
                    }
                    return presence.put(
                                    id, AgentRecords.heartbeat(existing, now).encode())
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
                () -> agents.get(id).compose(existing -> {
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
                    Future<Void> appended = historic.isEmpty() ? Future.succeededFuture() : append(id, kept, historic);
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
                                return agents.put(id, applied.record());
                            })
                            .map(v -> {
                                announce(applied.record(), historic);
                                return new JsonObject()
                                        .put("acked", applied.record().getLong("lastSeq"));
                            });
                }));
    }

    /** Appends events to an agent's history after the {@code kept} its record counts ({@link Pieces}). */
    private Future<Void> append(String id, long kept, List<JsonObject> events) {
        return Pieces.append(history, HISTORY_CHUNK, id, kept, events).mapEmpty();
    }

    /** An agent's whole history, oldest first: the pieces its record counts. */
    private Future<JsonArray> historyOf(String id, long kept) {
        List<Future<JsonArray>> pieces = new ArrayList<>();
        for (long p = 0; p * HISTORY_CHUNK < kept; p++) {
            pieces.add(history.get(Pieces.key(id, p)));
        }
        return Future.all(pieces).map(x -> {
            JsonArray all = new JsonArray();
            for (Future<JsonArray> f : pieces) {
                if (f.result() != null) {
                    f.result().forEach(e -> {
                        if (all.size() < kept) {
                            all.add(e);
                        }
                    });
                }
            }
            return all;
        });
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

    /** Every agent's presence entry ({@link #presence}), by agent id. */
    private Future<Map<String, JsonObject>> present() {
        return presence.entries().map(all -> {
            Map<String, JsonObject> decoded = new HashMap<>(all.size() * 2);
            all.forEach((id, text) -> decoded.put(id, new JsonObject(text)));
            return decoded;
        });
    }

    /** One agent's presence entry, or null. */
    private Future<JsonObject> presenceOf(String id) {
        return presence.get(id).map(text -> text == null ? null : new JsonObject(text));
    }

    /** Every agent's record as the views show it, with where and when it was last heard from ({@link #presence}). */
    private Future<Map<String, JsonObject>> records() {
        Future<Map<String, JsonObject>> heard = present();
        return agents.entries()
                .compose(all -> heard.map(p -> {
                    Map<String, JsonObject> shown = new HashMap<>(all.size() * 2);
                    all.forEach((id, r) -> shown.put(id, AgentRecords.withPresence(r, p.get(id))));
                    return shown;
                }));
    }

    private Future<JsonObject> view() {
        Instant now = clock.instant();
        return records().map(all -> {
            JsonArray list = new JsonArray();
            sorted(all)
                    .forEach(r -> list.add(new JsonObject()
                            .put("agentId", r.getString("agentId"))
                            .put("hostName", r.getString("hostName"))
                            .put("osClass", r.getString("osClass"))
                            .put("families", r.getValue("families"))
                            .put("versions", r.getValue("versions"))
                            .put("hub", r.getString("hub"))
                            .put("connected", AgentRecords.connected(r, now))
                            .put("lastSeen", r.getString("lastSeen"))
                            .put("products", r.getJsonArray("products", new JsonArray()))
                            // What a what-if snapshot needs to start each machine as it is: its CMIDs, and per family
                            // the last
                            // successful activation or renewal and the host that gave it.
                            .put("cmids", r.getJsonArray("cmids", new JsonArray()))
                            .put("renewals", r.getJsonObject("renewals", new JsonObject()))));
            return new JsonObject().put("at", now.toString()).put("agents", list);
        });
    }

    private static List<JsonObject> sorted(Map<String, JsonObject> all) {
        return all.values().stream()
                .sorted(Comparator.comparing(r -> r.getString("agentId")))
                .toList();
    }

    private Future<JsonObject> expiring(RequestBody body) {
        int days = body.whole("days", 0, MAX_DAYS).orElse(30L).intValue();
        Instant now = clock.instant();
        return records().map(all -> {
            List<ExpiryForecast.ProductState> products = new ArrayList<>();
            sorted(all).forEach(r -> products.addAll(AgentRecords.products(r)));
            return new JsonObject()
                    .put("at", now.toString())
                    .put("days", days)
                    .put("expiring", BusJson.array(ExpiryForecast.within(now, days, products)));
        });
    }

    private Future<JsonObject> pools(RequestBody body) {
        int horizon = body.whole("horizonDays", 1, MAX_DAYS)
                .orElse((long) DEFAULT_POOL_HORIZON_DAYS)
                .intValue();
        Instant now = clock.instant();
        return records()
                .map(all -> new JsonObject()
                        .put("at", now.toString())
                        .put("horizonDays", horizon)
                        .put("hosts", PoolReport.of(sorted(all), now, Duration.ofDays(horizon))));
    }

    private Future<JsonObject> duplicates() {
        return records()
                .map(all -> new JsonObject()
                        .put(
                                "duplicates",
                                BusJson.array(Duplicates.find(sorted(all).stream()
                                        .map(AgentRecords::machine)
                                        .toList()))));
    }

    private Future<JsonObject> hosts() {
        Instant now = clock.instant();
        return records()
                .map(all -> new JsonObject().put("at", now.toString()).put("hosts", WatchedHosts.hosts(sorted(all))));
    }

    private Future<JsonObject> clients(RequestBody body) {
        boolean unmanaged = body.bool("unmanaged").orElse(false);
        Instant now = clock.instant();
        return records()
                .map(all -> new JsonObject()
                        .put("at", now.toString())
                        .put("unmanaged", unmanaged)
                        .put("clients", WatchedHosts.clients(sorted(all), unmanaged)));
    }

    /** The fleet audit: each agent's kept records are counted in its record ({@code auditCount}). */
    private Future<JsonObject> audit(RequestBody request) {
        String agent = request.text("agent", AgentCredentials.AGENT_ID_FORM).orElse(null);
        AuditQuery query = AuditQuery.of(request);
        Future<Map<String, Long>> counts = agent != null
                ? agents.get(agent)
                        .map(r -> r == null ? Map.<String, Long>of() : Map.of(agent, r.getLong("auditCount", 0L)))
                : agents.entries().map(all -> {
                    Map<String, Long> c = new HashMap<>();
                    all.forEach((id, r) -> c.put(id, r.getLong("auditCount", 0L)));
                    return c;
                });
        return counts.compose(c -> audit.query(query, agent, c));
    }

    private Future<JsonObject> history(RequestBody body) {
        String id = body.requiredText("target", AgentCredentials.AGENT_ID_FORM);
        return agents.get(id).compose(record -> {
            if (record == null) {
                return Future.failedFuture(ControlException.notFound("target: no agent " + id + " in the fleet"));
            }
            return historyOf(id, record.getLong("historyCount", 0L))
                    .map(h -> new JsonObject()
                            .put("agentId", id)
                            .put("hostName", record.getString("hostName"))
                            .put("history", h));
        });
    }

    // ---- routing to agents ----

    /**
     * @param requestedBy the bridge client that asked a change (for the agents' audit records), or null
     */
    private Future<JsonObject> route(RequestBody body, List<String> allowed, String requestedBy) {
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
            command.put("requestedBy", requestedBy);
        }
        if (target == null && !BusAddresses.CHANGES.contains(address)) {
            return queryAll(command, deadline, started);
        }
        // One agent, or a change: a change may carry a product key, so it goes to each agent's own address, which only
        // that agent's credential can register on, never to the address every agent shares. A query to one agent
        // reads that agent's presence entry only, not the fleet's: at 10,000 agents reading the fleet's records took
        // about 200 ms where one takes 4 (docs/performance-log.md).
        Future<Map<String, JsonObject>> known = target == null
                ? present()
                : presenceOf(target).map(p -> p == null ? Map.<String, JsonObject>of() : Map.of(target, p));
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
        Future<Map<String, JsonObject>> known = present().onSuccess(all -> fanOut.expect(all, clock.instant()));
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
    private void relay(Message<Object> msg) {
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
            if (id instanceof String s && AGENT_ID.matcher(s).matches()) {
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
    private void answered(Message<Object> msg) {
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

    @Override
    public Future<?> stop() {
        return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    }
}
