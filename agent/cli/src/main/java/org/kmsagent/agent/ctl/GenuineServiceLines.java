package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.kmsagent.agent.core.text.Table;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.api.ProductKey;

/**
 * A watched genuine KMS host in words, as {@code ctl host} and {@code ctl fleet hosts} print it: how much of its event
 * log was read, its counts against each threshold, and its service's settings, request counters, host keys and
 * license packs (the view's {@code service} and {@code applications}).
 */
final class GenuineServiceLines {
    private GenuineServiceLines() {}

    /** "log read AT, N requests kept, M malformed events skipped". */
    static String logRead(JsonObject view) {
        // No read yet (the log cannot be opened here, or the first poll has not run): said, not printed as "null".
        String read = view.getString("lastRead");
        return (read == null ? "log not read yet" : "log read " + read) + ", " + view.getLong("observedRequests", 0L)
                + " requests kept, " + view.getLong("malformedEvents", 0L) + " malformed events skipped";
    }

    /**
     * The host's counts against each threshold: the service's own, per application, then those its event log shows
     * over 30 days, per application (the CMIDs it counted, in one table per application as the host keeps them).
     */
    static Table countsTable(JsonObject view) {
        Table t = new Table("SOURCE", "APPLICATION", "COUNT", "NEEDS", "MET");
        view.getJsonArray("applications", new JsonArray()).forEach(a -> {
            JsonObject app = (JsonObject) a;
            app.getJsonArray("thresholds", new JsonArray()).forEach(x -> {
                JsonObject th = (JsonObject) x;
                t.row(
                        "service",
                        app.getString("applicationId"),
                        th.getLong("count"),
                        th.getInteger("required"),
                        met(th));
            });
        });
        view.getJsonArray("logCounts", new JsonArray()).forEach(x -> {
            JsonObject th = (JsonObject) x;
            String app = th.getString("applicationId");
            t.row(
                    "log, 30 days",
                    GenuineHostView.UNKNOWN_APPLICATION.equals(app) ? "products no loaded family knows" : app,
                    th.getLong("count"),
                    th.getInteger("required"),
                    met(th));
        });
        return t;
    }

    /** The service's request counters, settings, host keys and license packs, a line each, indented. */
    static void print(JsonObject view, PrintWriter out) {
        view.getJsonArray("applications", new JsonArray()).forEach(o -> {
            JsonObject a = (JsonObject) o;
            StringBuilder b = new StringBuilder("  requests to " + a.getString("applicationId") + ": total "
                    + counter(a.getLong("totalRequests")) + ", failed " + counter(a.getLong("failedRequests")));
            JsonObject byStatus = a.getJsonObject("requestsByStatus", new JsonObject());
            byStatus.forEach(e -> b.append(", ").append(e.getKey()).append(' ').append(counter(e.getValue())));
            out.println(b);
        });
        JsonObject s = view.getJsonObject("service");
        if (s == null) {
            if (view.getString("serviceError") != null) {
                out.println("  service settings: " + view.getString("serviceError"));
            }
            return;
        }
        List<String> defaulted = new ArrayList<>();
        s.getJsonArray("defaulted", new JsonArray()).forEach(d -> defaulted.add(String.valueOf(d)));
        out.println("  service: port " + s.getInteger("listeningPort") + ", DNS publishing "
                + (s.getBoolean("dnsPublishing", true) ? "on" : "off") + ", priority "
                + (s.getBoolean("lowPriority", false) ? "low" : "normal") + ", host caching "
                + (s.getBoolean("hostCaching", true) ? "on" : "off") + ", intervals: activation "
                + s.getLong("activationIntervalMinutes") + " min, renewal " + s.getLong("renewalIntervalMinutes")
                + " min"
                + (defaulted.isEmpty() ? "" : " (Windows' default for " + String.join(", ", defaulted) + ")"));
        s.getJsonArray("publishedDomains", new JsonArray()).forEach(o -> {
            JsonObject d = (JsonObject) o;
            out.println("  also published in " + d.getString("domain") + " (priority " + d.getInteger("priority")
                    + ", weight " + d.getInteger("weight") + ")");
        });
        JsonArray keys = s.getJsonArray("hostKeys", new JsonArray());
        if (keys.isEmpty()) {
            out.println("  host keys: none read");
        }
        keys.forEach(o -> {
            JsonObject k = (JsonObject) o;
            String partial = k.getString("partialKey", "");
            out.println("  host key: " + ProductKey.shownFromLastFive(partial) + " "
                    + k.getString("name") + " (" + k.getString("channel") + ", application "
                    + k.getString("applicationId")
                    + ")");
        });
        s.getJsonArray("licensePacks", new JsonArray()).forEach(o -> {
            JsonObject p = (JsonObject) o;
            out.println("  license pack: " + p.getString("name")
                    + (p.getBoolean("hostKeyInstalled", false) ? " (host key installed)" : " (no host key installed)"));
        });
        s.getJsonArray("errors", new JsonArray()).forEach(e -> out.println("  service settings: " + e));
    }

    private static String met(JsonObject threshold) {
        return threshold.getBoolean("met", false) ? "yes" : "NO";
    }

    private static String counter(Object value) {
        return value instanceof Number n && n.longValue() >= 0 ? String.valueOf(n.longValue()) : "n/a";
    }
}
