package org.kmsagent.agent.bus;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;

/**
 * A request body checked field by field: unknown fields and wrong types are refused with a {@link BusCodes#BAD_REQUEST}
 * naming the field, so a typo never silently becomes "all families".
 */
final class RequestBody {
    private final JsonObject json;

    private RequestBody(JsonObject json) {
        this.json = json;
    }

    /** A missing body counts as {@code {}}; anything but an object is refused. */
    static RequestBody of(Object body, Set<String> allowed) {
        if (body == null) {
            return new RequestBody(new JsonObject());
        }
        if (!(body instanceof JsonObject obj)) {
            throw bad("body: expected a JSON object");
        }
        for (String f : obj.fieldNames()) {
            if (!allowed.contains(f)) {
                throw bad(f + ": unknown field (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return new RequestBody(obj);
    }

    Optional<String> string(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw bad(field + ": expected a non-empty string");
        }
        return Optional.of(s);
    }

    String requiredString(String field) {
        return string(field).orElseThrow(() -> bad(field + ": required"));
    }

    Optional<Integer> integer(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() != ((Number) v).intValue()) {
            throw bad(field + ": expected a whole number");
        }
        return Optional.of(((Number) v).intValue());
    }

    Optional<Boolean> bool(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw bad(field + ": expected true or false");
        }
        return Optional.of(b);
    }

    static ControlException bad(String message) {
        return new ControlException(BusCodes.BAD_REQUEST, message);
    }
}
