package org.kmsagent.agent.bus.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
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
    /** The fields an agent's audit address accepts; any other is refused naming it ({@link RequestBody#of}). */
    public static final List<String> FIELDS = List.of("since", "limit");

    /** What {@code since} takes, as a refusal says it. */
    private static final RequestBody.TextForm TIME =
            new RequestBody.TextForm("an ISO-8601 time, e.g. 2026-11-28T12:00:00Z", AuditQuery::isTime);

    /**
     * The query a request body asks for, each field checked as every bus field is ({@link RequestBody}). The body's
     * fields were checked by {@link RequestBody#of} against {@link #FIELDS} (on a hub, those and {@code agent}).
     *
     * @throws ControlException {@link org.kmsagent.agent.bus.BusCodes#BAD_REQUEST}, naming the field that is wrong
     */
    public static AuditQuery of(RequestBody body) {
        Instant since = body.text("since", TIME).map(Instant::parse).orElse(null);
        int limit = body.integer("limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
        return new AuditQuery(since, limit);
    }

    private static boolean isTime(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
