package org.kmsagent.agent.bus.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.kmsagent.api.ProductKey;

/**
 * What a request was aimed at, taken from its body for the audit record: its plain fields (family, product, agent,
 * KMS host, plugin path, settings), the routed request's own fields one level down ({@code fleet route.change}'s
 * {@code body}), with every product key masked to its last five characters (a field named like a key whatever it
 * holds, and anything shaped like a key in any field's name or text) and every secret left out. Text from the
 * client is bounded and stripped of control characters, so a record stays one short line.
 */
public final class AuditTargets {
    private AuditTargets() {}

    /** Longest text kept from one field. */
    static final int MAX_TEXT = 120;
    /** Most fields kept from one request. */
    static final int MAX_FIELDS = 16;

    /** The target of a request body (anything but a JSON object has none). */
    public static JsonObject of(Object body) {
        JsonObject target = new JsonObject();
        if (body instanceof JsonObject b) {
            copy(b, target);
            if (b.getValue("body") instanceof JsonObject routed) {
                copy(routed, target);
            }
        }
        return target;
    }

    private static void copy(JsonObject from, JsonObject to) {
        for (String name : from.fieldNames()) {
            if (to.size() >= MAX_FIELDS) {
                return;
            }
            Object v = from.getValue(name);
            String lower = name.toLowerCase(Locale.ROOT);
            if (v == null || v instanceof JsonObject || v instanceof JsonArray || secret(lower)) {
                continue;
            }
            String field = bounded(name);
            if (lower.equals("key") || lower.endsWith("key")) {
                to.put(field, ProductKey.shownMasked(String.valueOf(v)));
            } else if (v instanceof String s) {
                to.put(field, bounded(s));
            } else if (v instanceof Number || v instanceof Boolean) {
                to.put(field, v);
            }
        }
    }

    private static boolean secret(String lowerName) {
        return lowerName.contains("token") || lowerName.contains("secret") || lowerName.contains("password");
    }

    /**
     * Text from the client as a record keeps it: control characters replaced, anything shaped like a product key
     * masked to its last five ({@link ProductKey#maskKeysIn}: a key typed where a family goes is still a key), then
     * cut at {@link #MAX_TEXT}.
     */
    private static String bounded(String text) {
        String clean = ProductKey.maskKeysIn(text.replaceAll("\\p{Cntrl}", "?"));
        return clean.length() > MAX_TEXT ? clean.substring(0, MAX_TEXT) + "..." : clean;
    }
}
