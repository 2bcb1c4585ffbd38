package org.kmsagent.agent.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.forecast.Duplicates;
import org.kmsagent.agent.hub.forecast.ExpiryForecast;
import org.kmsagent.agent.rules.KmsRules;

/**
 * The fleet view's record of one agent, as the JSON object the cluster map stores, and the pure transitions that
 * registrations and events make on it. Keeping the record JSON keeps it serialisable across hubs without a codec.
 *
 * <p>Fields: {@code agentId, hostName, osClass, families, versions, cmids, heartbeatSeconds, hub, registeredAt,
 * lastSeen, lastSeenMs (the same time in epoch milliseconds), lastSeq, stateSeq, products, host, firstSeen
 * {applicationId: {cmid: instant}}, renewals {family: {lastSuccess, host, failure}}}.
 */
public final class AgentRecords {
    private AgentRecords() {}

    /** Renewal-event kinds that start a new 180-day validity (the sim branch's {@code RenewalEvent.Kind}). */
    private static final Set<String> SUCCESS = Set.of("ACTIVATED", "RENEWED", "MAK_ACTIVATED");
    /** Renewal-event kinds that are a failed attempt. */
    private static final Set<String> FAILURE = Set.of("ACTIVATION_FAILED", "RENEWAL_FAILED", "MAK_FAILED");

    private static final String PRODUCTS = FleetAddresses.EVENT_PRODUCTS;
    private static final String HOST = FleetAddresses.EVENT_HOST;
    private static final String WATCHED = FleetAddresses.EVENT_WATCHED_HOST;

    /** Whether an event belongs in the machine's activation history (state snapshots and audit records do not). */
    public static boolean historic(JsonObject event) {
        String type = event.getString("type", "");
        return !PRODUCTS.equals(type)
                && !HOST.equals(type)
                && !WATCHED.equals(type)
                && !FleetAddresses.EVENT_AUDIT.equals(type);
    }

    /** The fields an agent's registration may set. */
    private static final List<String> REGISTERED = List.of(
            "hostName",
            "osClass",
            "families",
            "versions",
            "cmids",
            "heartbeatSeconds",
            "products",
            "host",
            "watchedHost");

    /**
     * The highest sequence number an agent may say it has written: one event a second for thirty years. A larger one is
     * not an agent's outbox.
     */
    public static final long MAX_SEQ = 1_000_000_000L;

    /** The last-seen time of a record that has none. */
    private static final long NEVER = Long.MIN_VALUE;

    /** The record after a registration through a hub at a time; what the hub already had (lastSeq, history) stays. */
    public static JsonObject register(JsonObject existing, JsonObject registration, String hub, Instant now) {
        JsonObject r = existing == null
                ? new JsonObject()
                        .put("lastSeq", 0L)
                        .put("firstSeen", new JsonObject())
                        .put("renewals", new JsonObject())
                : existing.copy();
        r.put("agentId", registration.getString("agentId"));
        for (String f : REGISTERED) {
            if (registration.containsKey(f)) {
                r.put(f, registration.getValue(f));
            }
        }
        // State refreshes the agent numbered before this registration are older than the snapshot it just sent.
        r.put("stateSeq", registration.getLong("writtenSeq", 0L));
        seen(r.put("hub", hub).put("registeredAt", now.toString()), now);
        noteArrivals(r, now);
        return r;
    }

    /**
     * Whether {@code candidate} is a later state of the same agent's record than {@code current}: it has acknowledged
     * more events, or as many and the agent was heard from later. What a hub cluster keeps when two sides of a split
     * held the same record ({@link FleetMergePolicy}).
     */
    static boolean fresher(JsonObject candidate, JsonObject current) {
        int bySeq = Long.compare(candidate.getLong("lastSeq", 0L), current.getLong("lastSeq", 0L));
        return bySeq != 0 ? bySeq > 0 : lastSeenMs(candidate) > lastSeenMs(current);
    }

    /** A presence entry (or a record) after a heartbeat. */
    public static JsonObject heartbeat(JsonObject existing, Instant now) {
        return seen(existing.copy(), now);
    }

    /**
     * Notes when the agent was last heard from: as text for people ({@code lastSeen}) and as epoch milliseconds for
     * {@link #connected}, which a fan-out asks of every record (parsing the text was 6% of a fan-out to 18,000 agents).
     */
    private static JsonObject seen(JsonObject r, Instant now) {
        return r.put("lastSeen", now.toString()).put("lastSeenMs", now.toEpochMilli());
    }

    /**
     * Applies a batch of events in order, dropping those the record already has (seq ≤ lastSeq), so that an event
     * delivered twice (the ack was lost, or the agent failed over mid-batch) is counted once.
     *
     * @return the new record and the events newly accepted (to append to the history)
     */
    public static Applied apply(JsonObject existing, JsonArray events, Instant now) {
        JsonObject r = seen(existing.copy(), now);
        long last = r.getLong("lastSeq", 0L);
        List<JsonObject> accepted = new ArrayList<>();
        for (Object o : events) {
            if (!(o instanceof JsonObject e) || !(e.getValue("seq") instanceof Number n)) {
                throw new IllegalArgumentException("events: each event needs a numeric seq");
            }
            long seq = n.longValue();
            if (seq <= last) {
                continue;
            }
            long next = Math.max(last, r.getLong("stateSeq", 0L)) + 1;
            if (seq > next) {
                // Numbers only grow by one per event written: a jump past what the agent had written when it registered
                // (its outbox may hold a gap below that, never above) is not an event it wrote.
                throw new IllegalArgumentException("events: seq " + seq
                        + " is beyond what this agent has written (next " + "expected at most " + next + ")");
            }
            // Measured as the agent's outbox measured it; only events accepted, so a batch delivered again costs
            // nothing.
            int bytes = e.toBuffer().length();
            if (bytes > FleetAddresses.MAX_EVENT_BYTES) {
                throw new IllegalArgumentException("events: seq " + seq + " is " + bytes
                        + " bytes; an event is at most " + FleetAddresses.MAX_EVENT_BYTES);
            }
            last = seq;
            accepted.add(e);
            JsonObject data = e.getValue("data") instanceof JsonObject d ? d : new JsonObject();
            String type = e.getString("type", "");
            boolean stale = seq <= r.getLong("stateSeq", 0L);
            if (stale && (PRODUCTS.equals(type) || HOST.equals(type) || WATCHED.equals(type))) {
                continue; // delivered late (from the outbox, or again after a lost view): the registration is newer
            }
            if (PRODUCTS.equals(type)) {
                Object products = data.containsKey("products") ? data.getValue("products") : new JsonArray();
                if (!(products instanceof JsonArray list) || !list.stream().allMatch(JsonObject.class::isInstance)) {
                    throw new IllegalArgumentException(
                            "events: seq " + seq + " (" + PRODUCTS + "): products: expected an array of objects");
                }
                r.put("products", list);
                // Sent with each refresh since CMIDs can appear after the registration (a machine's first product);
                // an agent of an earlier build sends none, and the registration's stay.
                if (data.containsKey("cmids")) {
                    if (!(data.getValue("cmids") instanceof JsonArray cmids)
                            || !cmids.stream().allMatch(String.class::isInstance)) {
                        throw new IllegalArgumentException(
                                "events: seq " + seq + " (" + PRODUCTS + "): cmids: expected an array of text");
                    }
                    r.put("cmids", cmids);
                }
            } else if (HOST.equals(type)) {
                r.put("host", data);
                noteArrivals(r, now);
            } else if (WATCHED.equals(type)) {
                r.put("watchedHost", data);
            }
            if (data.getValue("kind") instanceof String kind) {
                renewal(r, kind, data, e.getString("at"));
            }
        }
        r.put("lastSeq", last);
        return new Applied(r, accepted);
    }

    /** A batch's result. */
    public record Applied(JsonObject record, List<JsonObject> accepted) {}

    private static void renewal(JsonObject r, String kind, JsonObject data, String at) {
        String family = data.getString("family", "unknown");
        JsonObject renewals = r.getJsonObject("renewals", new JsonObject());
        JsonObject fam = renewals.getJsonObject(family, new JsonObject());
        String when = data.getValue("time") instanceof String t ? t : at;
        if (SUCCESS.contains(kind)) {
            // The host that answered, kept beside the time: a what-if snapshot starts each machine from both.
            fam.put("lastSuccess", when)
                    .put("host", data.getValue("host") instanceof String h ? h : null)
                    .remove("failure");
        } else if (FAILURE.contains(kind)) {
            JsonObject before = fam.getJsonObject("failure");
            JsonObject diagnosis = data.getValue("diagnosis") instanceof JsonObject d ? d : new JsonObject();
            fam.put(
                    "failure",
                    new JsonObject()
                            .put("at", when)
                            .put("hresult", hresult(data.getValue("hresult")))
                            .put("cause", diagnosis.getString("cause"))
                            .put("detail", diagnosis.getString("detail"))
                            .put("failures", before == null ? 1 : before.getInteger("failures", 0) + 1));
        }
        renewals.put(family, fam);
        r.put("renewals", renewals);
    }

    /**
     * An HRESULT as {@code 0x...} text: events carry it as text, or as the {@code HResult} record ({@code code, name,
     * meaning}) when a component publishes the record itself.
     */
    static String hresult(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof JsonObject h && h.getValue("code") instanceof Number code) {
            String hex = String.format("0x%08X", code.intValue());
            return h.getString("name") == null ? hex : hex + " " + h.getString("name");
        }
        return null;
    }

    /**
     * Records when each counted client of the agent's KMS host model was first seen (for arrival rates), and forgets a
     * client the host's table no longer holds once its first sighting is older than the 30 days the arrival rate is
     * read over ({@link PoolReport}): the record would otherwise hold every CMID the host ever counted, rewritten and
     * backed up with every batch the agent sends. A client still held is kept however long ago it arrived, so it is
     * never taken for a new arrival.
     */
    private static void noteArrivals(JsonObject r, Instant now) {
        JsonObject host = r.getJsonObject("host");
        if (host == null) {
            return;
        }
        JsonObject firstSeen = r.getJsonObject("firstSeen", new JsonObject());
        if (!(host.getValue("ledger") instanceof JsonArray ledger)) {
            return;
        }
        Set<String> held = new HashSet<>();
        for (Object o : ledger) {
            if (o instanceof JsonObject entry && entry.getValue("clientMachineId") instanceof String cmid) {
                String app = entry.getString("applicationId", "?");
                held.add(app + "|" + cmid);
                JsonObject pool = firstSeen.getJsonObject(app, new JsonObject());
                if (!pool.containsKey(cmid)) {
                    // Kept as a time the pool forecast can read: a time the agent wrote otherwise is now.
                    pool.put(cmid, time(entry.getValue("lastSeen")).orElse(now).toString());
                }
                firstSeen.put(app, pool);
            }
        }
        Instant horizon = now.minus(KmsRules.COUNT_WINDOW);
        for (String app : List.copyOf(firstSeen.fieldNames())) {
            if (!(firstSeen.getValue(app) instanceof JsonObject pool)) {
                firstSeen.remove(app);
                continue;
            }
            for (String cmid : List.copyOf(pool.fieldNames())) {
                if (!held.contains(app + "|" + cmid)
                        && time(pool.getValue(cmid))
                                .map(t -> t.isBefore(horizon))
                                .orElse(true)) {
                    pool.remove(cmid);
                }
            }
            if (pool.isEmpty()) {
                firstSeen.remove(app);
            }
        }
        r.put("firstSeen", firstSeen);
    }

    /**
     * What an agent's presence entry holds: who it is, where it is connected, and when it was last heard from (its id
     * is the entry's key).
     */
    private static final List<String> PRESENCE =
            List.of("hostName", "hub", "hubInstance", "heartbeatSeconds", "lastSeen", "lastSeenMs");

    /** What a presence entry says of a record that views take from it when it is the later. */
    private static final List<String> HEARD = List.of("hub", "hubInstance", "lastSeen", "lastSeenMs");

    /**
     * An agent's presence entry, made from its record at registration: its heartbeats move this small entry on
     * ({@link #heartbeat}), not the record, and a fan-out reads these entries instead of every record (docs/fleet.md,
     * "The fleet view and its forecasts").
     */
    public static JsonObject presence(JsonObject record) {
        JsonObject p = new JsonObject();
        for (String f : PRESENCE) {
            if (record.containsKey(f)) {
                p.put(f, record.getValue(f));
            }
        }
        return p;
    }

    /**
     * The record as the views show it: where and when the agent was last heard from, from its presence entry when
     * that is the later (heartbeats write only the entry; registrations and events write both). A shallow copy when
     * anything is taken, so the stored record is never changed.
     */
    public static JsonObject withPresence(JsonObject record, JsonObject presence) {
        if (presence == null || lastSeenMs(presence) <= lastSeenMs(record)) {
            return record;
        }
        JsonObject shown = new JsonObject(new LinkedHashMap<>(record.getMap()));
        for (String f : HEARD) {
            if (presence.containsKey(f)) {
                shown.put(f, presence.getValue(f));
            }
        }
        return shown;
    }

    /** Whether {@code candidate} was heard from later than {@code current} (two copies of a presence entry). */
    static boolean heardLater(JsonObject candidate, JsonObject current) {
        return lastSeenMs(candidate) > lastSeenMs(current);
    }

    /** Whether the agent has been heard from within three heartbeats. */
    public static boolean connected(JsonObject r, Instant now) {
        long last = lastSeenMs(r);
        return last != NEVER && Math.floorDiv(now.toEpochMilli() - last, 1000L) < connectedSeconds(r);
    }

    /**
     * Why a connected agent counts as one, for an operator who stopped it: {@code heard from 3 s ago, and counted as
     * connected until three heartbeats (30 s) pass unheard}.
     */
    static String whyConnected(JsonObject r, Instant now) {
        return "heard from " + Math.max(0, Math.floorDiv(now.toEpochMilli() - lastSeenMs(r), 1000L))
                + " s ago, and counted as connected until three heartbeats (" + connectedSeconds(r)
                + " s) pass unheard";
    }

    private static long connectedSeconds(JsonObject r) {
        return 3 * r.getLong("heartbeatSeconds", 10L);
    }

    /** When the agent was last heard from, in epoch milliseconds ({@link #NEVER} if the record does not say). */
    private static long lastSeenMs(JsonObject r) {
        if (r.getValue("lastSeenMs") instanceof Number ms) {
            return ms.longValue();
        }
        // A record written by a hub of an earlier version (hubs are upgraded one at a time) has the text only.
        String last = r.getString("lastSeen");
        return last == null ? NEVER : Instant.parse(last).toEpochMilli();
    }

    /** The products of an agent, for the expiry forecast. */
    public static List<ExpiryForecast.ProductState> products(JsonObject r) {
        List<ExpiryForecast.ProductState> out = new ArrayList<>();
        JsonObject renewals = r.getJsonObject("renewals", new JsonObject());
        for (Object o : r.getJsonArray("products", new JsonArray())) {
            if (!(o instanceof JsonObject p)) {
                continue;
            }
            String family = p.getString("family", "unknown");
            JsonObject fam = renewals.getJsonObject(family, new JsonObject());
            Optional<ExpiryForecast.Failure> failure = Optional.ofNullable(fam.getJsonObject("failure"))
                    .map(f -> new ExpiryForecast.Failure(
                            Instant.parse(f.getString("at")),
                            f.getString("hresult"),
                            f.getString("cause"),
                            f.getString("detail"),
                            f.getInteger("failures", 1)));
            out.add(new ExpiryForecast.ProductState(
                    r.getString("agentId"),
                    r.getString("hostName"),
                    family,
                    p.getString("product", "?"),
                    instant(p.getString("validUntil")),
                    instant(fam.getString("lastSuccess")),
                    failure,
                    Optional.ofNullable(p.getValue("lastResult") instanceof String s ? s : null)));
        }
        return out;
    }

    /** An agent's CMIDs, for the duplicate finder. */
    public static Duplicates.Machine machine(JsonObject r) {
        List<String> cmids = new ArrayList<>();
        for (Object o : r.getJsonArray("cmids", new JsonArray())) {
            if (o instanceof String s && !s.isBlank()) {
                cmids.add(s);
            }
        }
        return new Duplicates.Machine(r.getString("agentId"), r.getString("hostName"), cmids);
    }

    private static Optional<Instant> instant(String text) {
        return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    }

    /** An ISO-8601 instant given as text, or empty for anything else. */
    private static Optional<Instant> time(Object value) {
        if (!(value instanceof String text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
