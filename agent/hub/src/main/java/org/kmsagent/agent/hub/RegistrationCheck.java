package org.kmsagent.agent.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;
import org.kmsagent.agent.bus.RequestBody;

/**
 * What an agent's registration may hold, checked before it is stored: the fleet's views read every agent's record
 * together, so one record of the wrong shape (a heartbeat interval as text, products that are not a list) would fail
 * {@code ctl fleet}, its forecasts and every routed request for all operators, until the record was gone. A
 * registration that does not pass is refused with 400 naming the field, and nothing of it is stored.
 */
final class RegistrationCheck {
    private RegistrationCheck() {}

    /** The range of {@code heartbeatSeconds}, as an agent's {@code fleet.heartbeatSeconds} allows it. */
    static final long MIN_HEARTBEAT_SECONDS = 1;

    static final long MAX_HEARTBEAT_SECONDS = 3_600;

    /** Refuses a registration whose fields a view could not read; fields an agent leaves out are not checked. */
    static void check(JsonObject registration) {
        field(registration, "hostName", "text", String.class::isInstance);
        field(registration, "osClass", "text", String.class::isInstance);
        field(registration, "families", "an array of text", v -> allOf(v, String.class));
        field(registration, "cmids", "an array of text", v -> allOf(v, String.class));
        // Shown as sent (a plugin that failed to load may have no version): only its kind matters to the views.
        field(registration, "versions", "a JSON object", JsonObject.class::isInstance);
        field(
                registration,
                "heartbeatSeconds",
                "a whole number " + MIN_HEARTBEAT_SECONDS + "-" + MAX_HEARTBEAT_SECONDS,
                v -> RequestBody.wholeWithin(v, MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS));
        field(registration, "products", "an array of objects", v -> allOf(v, JsonObject.class));
        field(registration, "host", "a JSON object", JsonObject.class::isInstance);
        field(registration, "watchedHost", "a JSON object", JsonObject.class::isInstance);
    }

    private static void field(JsonObject registration, String name, String accepted, Predicate<Object> valid) {
        if (!registration.containsKey(name)) {
            return;
        }
        Object v = registration.getValue(name);
        if (v == null || !valid.test(v)) {
            throw RequestBody.expected(name, accepted, v);
        }
    }

    private static boolean allOf(Object v, Class<?> type) {
        return v instanceof JsonArray a && a.stream().allMatch(type::isInstance);
    }
}
