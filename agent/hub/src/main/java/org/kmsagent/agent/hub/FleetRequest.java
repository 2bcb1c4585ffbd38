package org.kmsagent.agent.hub;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.core.BoundedInput;

/**
 * The body of a request to a hub's fleet address, checked field by field the one way every such address shares: an
 * unknown field is refused (400) naming it and the fields the address accepts, so a typo ({@code tagret}) never
 * widens a routed change to the whole fleet; a wrong type or a value out of range is refused naming the field, what
 * was given (bounded, {@link BoundedInput#shown}) and what is accepted. A missing body counts as {@code {}}.
 *
 * <p>Fails with {@link FleetException}, which the hub answers at once.
 */
final class FleetRequest {
    private final JsonObject json;

    private FleetRequest(JsonObject json) {
        this.json = json;
    }

    /**
     * Checks that {@code body} is an object holding only {@code allowed} fields.
     *
     * @param allowed the fields the address accepts, in the order a reader should see them
     */
    static FleetRequest of(Object body, List<String> allowed) {
        if (body == null) {
            return new FleetRequest(new JsonObject());
        }
        if (!(body instanceof JsonObject obj)) {
            throw bad("body: expected a JSON object, got " + given(body));
        }
        for (String f : obj.fieldNames()) {
            if (!allowed.contains(f)) {
                throw bad(BoundedInput.shown(f) + ": unknown field (accepted: "
                        + (allowed.isEmpty() ? "none, send {}" : String.join(", ", allowed)) + ")");
            }
        }
        return new FleetRequest(obj);
    }

    /** The body as sent (every field in it is one the address accepts). */
    JsonObject json() {
        return json;
    }

    boolean has(String field) {
        return json.getValue(field) != null;
    }

    /** A required text field. */
    String text(String field, String accepted) {
        Object v = json.getValue(field);
        if (v == null) {
            throw bad(field + ": required: " + accepted);
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw bad(field + ": expected " + accepted + ", got " + given(v));
        }
        return s;
    }

    /** An agent id, required. */
    String agentId(String field) {
        Object v = json.getValue(field);
        String accepted = "an agent id (letters, digits, '.', '_', '-'; at most 64, starting with a letter or digit)";
        if (v == null) {
            throw bad(field + ": required: " + accepted);
        }
        if (!(v instanceof String s) || !AgentCredentials.AGENT_ID.matcher(s).matches()) {
            throw bad(field + ": expected " + accepted + ", got " + given(v));
        }
        return s;
    }

    /** An agent id, or empty when the field is absent. */
    Optional<String> optionalAgentId(String field) {
        return has(field) ? Optional.of(agentId(field)) : Optional.empty();
    }

    /** A whole number within {@code min}-{@code max}, or {@code otherwise} when absent. */
    long whole(String field, long min, long max, long otherwise) {
        Object v = json.getValue(field);
        if (v == null) {
            return otherwise;
        }
        if (!(v instanceof Number n)
                || n.doubleValue() != n.longValue()
                || n.longValue() < min
                || n.longValue() > max) {
            throw bad(field + ": expected a whole number " + min + "-" + max + ", got " + given(v));
        }
        return n.longValue();
    }

    /** True or false, or {@code otherwise} when absent. */
    boolean bool(String field, boolean otherwise) {
        Object v = json.getValue(field);
        if (v == null) {
            return otherwise;
        }
        if (!(v instanceof Boolean b)) {
            throw bad(field + ": expected true or false, got " + given(v));
        }
        return b;
    }

    /** A JSON object, or an empty one when absent. */
    JsonObject object(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return new JsonObject();
        }
        if (!(v instanceof JsonObject o)) {
            throw bad(field + ": expected a JSON object, got " + given(v));
        }
        return o;
    }

    /** What a client sent, quoted back bounded: text in quotes (so "30" reads as text), anything else as JSON. */
    static String given(Object v) {
        if (v instanceof String s) {
            return "\"" + BoundedInput.shown(s) + "\" (text)";
        }
        if (v instanceof JsonObject) {
            return "an object";
        }
        if (v instanceof io.vertx.core.json.JsonArray) {
            return "an array";
        }
        return BoundedInput.shown(String.valueOf(v));
    }

    static FleetException bad(String message) {
        return new FleetException(BusCodes.BAD_REQUEST, message);
    }
}
