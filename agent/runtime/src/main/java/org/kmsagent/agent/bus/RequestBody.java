package org.kmsagent.agent.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.WholeNumber;

/**
 * The body of a request to an event-bus address, checked field by field the one way every address shares: the
 * agent's control API ({@link BusApi}) and a hub's fleet addresses alike. An unknown field is refused naming it and
 * the fields the address accepts, so a typo ({@code famliy}, {@code tagret}) never silently becomes "all families" or
 * "every agent"; a missing required field, a wrong type or a value out of range is refused naming the field, what is
 * accepted and what was given (quoted back bounded, {@link BoundedInput#shown}). A missing body counts as {@code {}}.
 * A whole number is always asked for within a range, so that one too large for any field (an {@code int}'s or a
 * {@code long}'s) is refused as out of range like any other: {@code port: expected a whole number 1-65535, got
 * 99999999999}.
 *
 * <p>Every refusal is a {@link ControlException} with {@link BusCodes#BAD_REQUEST} whose message starts with the
 * field (docs/event-bus.md, "Failure codes"); rules that belong to a value itself (a product key's form) stay with
 * that value and are refused by the caller with {@link ControlException#badRequest}. A query-string parameter is
 * refused in the same words ({@link #parseWhole}).
 */
public final class RequestBody {
    private final JsonObject json;

    private RequestBody(JsonObject json) {
        this.json = json;
    }

    /**
     * The form a text field must take: what a refusal says is accepted, and the test a non-blank value must pass.
     *
     * @param accepted e.g. {@code "an agent id (letters, digits, ...)"}
     */
    public record TextForm(String accepted, Predicate<String> valid) {
        /** Any text that is not blank. */
        public static final TextForm NON_EMPTY = new TextForm("a non-empty string", s -> true);

        /** Any text that is not blank, described as {@code accepted} in a refusal. */
        public static TextForm described(String accepted) {
            return new TextForm(accepted, s -> true);
        }
    }

    /**
     * Checks that {@code body} is an object holding only {@code accepted} fields.
     *
     * @param accepted the fields the address accepts, in the order a reader should see them in a refusal
     */
    public static RequestBody of(Object body, List<String> accepted) {
        if (body == null) {
            return new RequestBody(new JsonObject());
        }
        if (!(body instanceof JsonObject obj)) {
            throw expected("body", "a JSON object", body);
        }
        for (String f : obj.fieldNames()) {
            if (!accepted.contains(f)) {
                throw unknownField(f, accepted);
            }
        }
        return new RequestBody(obj);
    }

    /** The body as sent (every field in it is one the address accepts). */
    public JsonObject json() {
        return json;
    }

    /** A non-blank text, or empty when the field is absent. */
    public Optional<String> text(String field) {
        return text(field, TextForm.NON_EMPTY);
    }

    /** A non-blank text of the given form, or empty when the field is absent. */
    public Optional<String> text(String field, TextForm form) {
        return value(
                field,
                form.accepted(),
                v -> v instanceof String s && !s.isBlank() && form.valid().test(s),
                String.class::cast);
    }

    /** A non-blank text of the given form that must be there. */
    public String requiredText(String field, TextForm form) {
        return text(field, form).orElseThrow(() -> missing(field, form.accepted()));
    }

    /** A whole number within {@code min}-{@code max}, or empty when absent: for a field that makes an {@code int}. */
    public Optional<Integer> integer(String field, int min, int max) {
        return whole(field, min, max).map(Long::intValue);
    }

    /** A whole number within {@code min}-{@code max}, or empty when absent. */
    public Optional<Long> whole(String field, long min, long max) {
        return value(field, wholeNumber(min, max), v -> wholeWithin(v, min, max), v -> ((Number) v).longValue());
    }

    /** True or false, or empty when absent. */
    public Optional<Boolean> bool(String field) {
        return value(field, "true or false", Boolean.class::isInstance, Boolean.class::cast);
    }

    /** A JSON object, or empty when absent. */
    public Optional<JsonObject> object(String field) {
        return value(field, "a JSON object", JsonObject.class::isInstance, JsonObject.class::cast);
    }

    /** The field's value, or empty when absent; refused as not {@code accepted} unless it passes {@code valid}. */
    private <T> Optional<T> value(String field, String accepted, Predicate<Object> valid, Function<Object, T> as) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!valid.test(v)) {
            throw expected(field, accepted, v);
        }
        return Optional.of(as.apply(v));
    }

    /**
     * Whether a JSON value is a whole number within {@code min}-{@code max}. JSON has one kind of number: 30.0 is the
     * whole number 30, 30.5 is not.
     */
    public static boolean wholeWithin(Object v, long min, long max) {
        return v instanceof Number n
                && n.doubleValue() == n.longValue()
                && n.longValue() >= min
                && n.longValue() <= max;
    }

    /**
     * A whole number within {@code min}-{@code max} written as text (a query-string parameter), refused in the words a
     * bus field holding it would be: {@code days: expected a whole number 0-3650, got 99999999999}, and text that is
     * not digits as text ({@code got "x" (text)}).
     */
    public static long parseWhole(String field, String text, long min, long max) {
        return WholeNumber.within(text, min, max)
                .orElseThrow(
                        () -> outOfRange(field, min, max, WholeNumber.isWritten(text) ? new BigInteger(text) : text));
    }

    private static String wholeNumber(long min, long max) {
        return WholeNumber.accepted("", min, max);
    }

    // ---- the refusals: one wording each ----

    /** A field the address does not take: {@code tagret: unknown field (accepted: address, body, ...)}. */
    private static ControlException unknownField(String field, List<String> accepted) {
        return ControlException.badRequest(BoundedInput.shown(field) + ": unknown field (accepted: "
                + (accepted.isEmpty() ? "none, send {}" : String.join(", ", accepted)) + ")");
    }

    /** A required field left out: {@code address: required: one of ...}. */
    public static ControlException missing(String field, String accepted) {
        return ControlException.badRequest(field + ": required: " + accepted);
    }

    /** A value that is not a whole number within a range: {@code days: expected a whole number 0-3650, got -3}. */
    public static ControlException outOfRange(String field, long min, long max, Object given) {
        return expected(field, wholeNumber(min, max), given);
    }

    /**
     * A value of the wrong type or form: {@code body: expected a JSON object, got "status" (text)}.
     *
     * @param given what the client sent, quoted back bounded (text in quotes, an object or array by its kind)
     */
    public static ControlException expected(String field, String accepted, Object given) {
        return ControlException.badRequest(field + ": expected " + accepted + ", got " + given(given));
    }

    /** What a client sent, quoted back bounded: text in quotes (so "30" reads as text), anything else as JSON. */
    private static String given(Object v) {
        if (v instanceof String s) {
            return "\"" + BoundedInput.shown(s) + "\" (text)";
        }
        if (v instanceof JsonObject) {
            return "an object";
        }
        if (v instanceof JsonArray) {
            return "an array";
        }
        return BoundedInput.shown(String.valueOf(v));
    }
}
