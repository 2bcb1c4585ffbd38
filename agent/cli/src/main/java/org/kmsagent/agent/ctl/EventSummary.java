package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One line for an event's data, as {@code ctl watch} and {@code ctl fleet history} list events: its plain fields as
 * {@code name=value}, nested ones left out.
 */
final class EventSummary {
    private EventSummary() {}

    static String of(JsonObject event) {
        JsonObject data = event.getValue("data") instanceof JsonObject d ? d : new JsonObject();
        StringBuilder sb = new StringBuilder();
        for (String f : data.fieldNames()) {
            Object v = data.getValue(f);
            if (v != null && !(v instanceof JsonArray) && !(v instanceof JsonObject)) {
                sb.append(sb.isEmpty() ? "" : " ").append(f).append('=').append(v);
            }
        }
        return sb.toString();
    }
}
