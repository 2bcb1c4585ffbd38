package org.kmsagent.agent.bus.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;

/**
 * A request to read the audit: {@code {since?, limit?}} (and on a hub {@code agent?}), checked once for the agent's
 * and the hub's address alike.
 *
 * @param since the oldest time wanted, or null for all
 * @param limit how many of the newest records at most
 */
public record AuditQuery(Instant since, int limit) {
    /** Records returned when the request gives no limit. */
    public static final int DEFAULT_LIMIT = 100;
    /** The most records one request may ask for. */
    public static final int MAX_LIMIT = 10_000;

    /** What {@code since} takes, as a refusal says it. */
    private static final String TIME = "an ISO-8601 time, e.g. 2026-11-28T12:00:00Z";

    /**
     * The query a request body asks for, each field checked as every bus field is ({@link RequestBody}).
     *
     * @throws ControlException {@link org.kmsagent.agent.bus.BusCodes#BAD_REQUEST}, naming the field that is wrong
     */
    public static AuditQuery of(JsonObject body) {
        Object s = body.getValue("since");
        Instant since = null;
        if (s != null) {
            if (!(s instanceof String text)) {
                throw RequestBody.expected("since", TIME, s);
            }
            try {
                since = Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw RequestBody.expected("since", TIME, s);
            }
        }
        Object l = body.getValue("limit");
        int limit = DEFAULT_LIMIT;
        if (l != null) {
            if (!RequestBody.wholeWithin(l, 1, MAX_LIMIT)) {
                throw RequestBody.outOfRange("limit", 1, MAX_LIMIT, l);
            }
            limit = ((Number) l).intValue();
        }
        return new AuditQuery(since, limit);
    }
}
