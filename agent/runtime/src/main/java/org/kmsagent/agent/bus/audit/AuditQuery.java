package org.kmsagent.agent.bus.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.kmsagent.agent.core.BoundedInput;

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

    /**
     * The query a request body asks for.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static AuditQuery of(JsonObject body) {
        Object s = body.getValue("since");
        Instant since = null;
        if (s != null) {
            if (!(s instanceof String text)) {
                throw new IllegalArgumentException("since: expected an ISO-8601 time, e.g. 2026-11-28T12:00:00Z");
            }
            try {
                since = Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "since: expected an ISO-8601 time, e.g. 2026-11-28T12:00:00Z, got " + BoundedInput.shown(text));
            }
        }
        Object l = body.getValue("limit");
        int limit = DEFAULT_LIMIT;
        if (l != null) {
            if (!(l instanceof Number n)
                    || n.doubleValue() != n.longValue()
                    || n.longValue() < 1
                    || n.longValue() > MAX_LIMIT) {
                throw new IllegalArgumentException("limit: expected a whole number 1-" + MAX_LIMIT + ", got " + l);
            }
            limit = n.intValue();
        }
        return new AuditQuery(since, limit);
    }
}
