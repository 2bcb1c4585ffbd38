package org.kmsagent.agent.hub.dashboard;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kmsagent.agent.bus.RequestBody;

/**
 * One page of the expiring-machines table: the fleet's expiry forecast filtered by a search text, sorted by a column
 * and cut to a page on the hub, so a fleet of any size sends the browser one page. Pure.
 */
final class ExpiringPage {
    /** Columns the table sorts by, and how. */
    static final Map<String, Comparator<JsonObject>> SORTS = Map.of(
            "daysLeft", Comparator.comparingLong(r -> r.getLong("daysLeft")),
            "validUntil", Comparator.comparing(r -> r.getString("validUntil")),
            "hostName", Comparator.comparing(r -> r.getString("hostName", "").toLowerCase(Locale.ROOT)),
            "agentId", Comparator.comparing(r -> r.getString("agentId", "")),
            "family", Comparator.comparing(r -> r.getString("family", "")),
            "product", Comparator.comparing(r -> r.getString("product", "")),
            "cause", Comparator.comparing(r -> r.getString("cause", "")));

    static final int MAX_LIMIT = 500;

    private ExpiringPage() {}

    /**
     * What the browser asks for; a bad parameter is refused as a bus request's field is ({@link RequestBody}), with a
     * {@code ControlException} whose message starts with the parameter.
     *
     * @param days the window (0-3650)
     * @param query search text (any column contains it, case-insensitive), or empty
     * @param sort a key of {@link #SORTS}
     * @param descending sort direction
     * @param offset first row (0-based)
     * @param limit rows per page (1-500)
     */
    record Request(int days, String query, String sort, boolean descending, int offset, int limit) {
        static Request parse(MultiMap params) {
            int days = number(params, "days", 30, 0, 3650);
            String sort = params.get("sort") == null ? "daysLeft" : params.get("sort");
            if (!SORTS.containsKey(sort)) {
                throw RequestBody.expected(
                        "sort", "one of " + SORTS.keySet().stream().sorted().toList(), sort);
            }
            String dir = params.get("dir") == null ? "asc" : params.get("dir");
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw RequestBody.expected("dir", "asc or desc", dir);
            }
            String q = params.get("q") == null ? "" : params.get("q").trim();
            return new Request(
                    days,
                    q,
                    sort,
                    dir.equals("desc"),
                    number(params, "offset", 0, 0, Integer.MAX_VALUE),
                    number(params, "limit", 50, 1, MAX_LIMIT));
        }

        private static int number(MultiMap params, String name, int fallback, int min, int max) {
            String v = params.get(name);
            return v == null || v.isEmpty() ? fallback : (int) RequestBody.parseWhole(name, v, min, max);
        }
    }

    /** {@code {days, total, offset, limit, rows}} of the forecast's {@code expiring} list. */
    static JsonObject of(JsonArray expiring, Request req) {
        String q = req.query().toLowerCase(Locale.ROOT);
        List<JsonObject> rows = new ArrayList<>();
        for (Object o : expiring) {
            JsonObject r = (JsonObject) o;
            if (q.isEmpty() || matches(r, q)) {
                rows.add(r);
            }
        }
        Comparator<JsonObject> by = SORTS.get(req.sort())
                .thenComparing(r -> r.getString("agentId", ""))
                .thenComparing(r -> r.getString("family", ""));
        rows.sort(req.descending() ? by.reversed() : by);
        int from = Math.min(req.offset(), rows.size());
        int to = Math.min(rows.size(), from + req.limit());
        return new JsonObject()
                .put("days", req.days())
                .put("query", req.query())
                .put("sort", req.sort())
                .put("dir", req.descending() ? "desc" : "asc")
                .put("total", rows.size())
                .put("offset", from)
                .put("limit", req.limit())
                .put("rows", new JsonArray(new ArrayList<>(rows.subList(from, to))));
    }

    private static boolean matches(JsonObject r, String q) {
        for (String field : List.of("agentId", "hostName", "family", "product", "cause")) {
            String v = r.getString(field);
            if (v != null && v.toLowerCase(Locale.ROOT).contains(q)) {
                return true;
            }
        }
        return false;
    }
}
