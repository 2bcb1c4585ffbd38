package org.kmsagent.agent.metrics;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one renewal-loop event of the agent's topic ({@code {type, at, data}} whose {@code data} has a {@code kind},
 * docs/event-bus.md) says about activation: an activation or a renewal, of which family, and its outcome as three
 * labels of low cardinality, so that one attempt is one increment of one series.
 *
 * <p>The control API's {@code activation} events are not counted: each reports an attempt the renewal loop already
 * reported as an event of its own (ctl activate runs the loop's attempt), and counting both counted it twice.
 *
 * @param renewal true for a renewal, false for an activation (KMS or MAK)
 * @param family the family id, or {@code unknown}
 * @param result {@code ok} or {@code failed}
 * @param code the HRESULT as {@code 0x…} upper-case hex ({@code 0x00000000} for a success)
 * @param cause the diagnosed cause in lower case (e.g. {@code count_below_threshold}), else the HRESULT's name,
 *     {@code none} for a success, {@code unknown} when nothing says
 */
public record EventOutcome(boolean renewal, String family, String result, String code, String cause) {
    /** The result label of a success. */
    public static final String OK = "ok";
    /** The result label of a failure. */
    public static final String FAILED = "failed";

    /** The outcome an event reports, or empty when it reports none (a key installed, a setting changed, …). */
    public static Optional<EventOutcome> of(JsonObject event) {
        if (event == null
                || !(event.getValue("data") instanceof JsonObject data)
                || !(data.getValue("kind") instanceof String kind)) {
            return Optional.empty();
        }
        // Each value an agent sends becomes a label of a counter on every hub: what is not of the expected shape is
        // "unknown", so that no agent can make series of its own making (Figures caps their number as well).
        String family =
                data.getValue("family") instanceof String f && FAMILY.matcher(f).matches() ? f : UNKNOWN;
        return switch (kind) {
            case "ACTIVATED", "MAK_ACTIVATED" -> Optional.of(ok(false, family));
            case "ACTIVATION_FAILED", "MAK_FAILED" -> Optional.of(failed(false, family, data));
            case "RENEWED" -> Optional.of(ok(true, family));
            case "RENEWAL_FAILED" -> Optional.of(failed(true, family, data));
            default -> Optional.empty();
        };
    }

    private static EventOutcome ok(boolean renewal, String family) {
        return new EventOutcome(renewal, family, OK, "0x00000000", "none");
    }

    private static EventOutcome failed(boolean renewal, String family, JsonObject data) {
        String code = code(data);
        String cause = cause(data);
        return new EventOutcome(
                renewal,
                family,
                FAILED,
                CODE.matcher(code).matches() ? code : UNKNOWN,
                CAUSE.matcher(cause).matches() ? cause : UNKNOWN);
    }

    /** The label values this outcome's series is counted under when a counter has all the series it may have. */
    public EventOutcome other() {
        return new EventOutcome(renewal, OTHER, result, OTHER, OTHER);
    }

    private static final String UNKNOWN = "unknown";
    private static final String OTHER = "other";
    /** A family id as plugins declare one. */
    private static final Pattern FAMILY = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
    /** An HRESULT as {@link #code} writes it. */
    private static final Pattern CODE = Pattern.compile("0x[0-9A-F]{8}");
    /** A cause's name, or an HRESULT's, in lower case. */
    private static final Pattern CAUSE = Pattern.compile("[a-z0-9_]{1,64}");

    /** The HRESULT as upper-case hex, whether the event carries text ({@code 0xC004F038 SL_E_…}) or the record. */
    private static String code(JsonObject data) {
        Object h = data.getValue("hresult");
        if (h instanceof JsonObject o) {
            h = o.getValue("code");
        }
        if (h instanceof Number n) {
            return String.format(Locale.ROOT, "0x%08X", n.intValue());
        }
        if (h instanceof String s && s.toLowerCase(Locale.ROOT).startsWith("0x")) {
            String hex = s.split("\\s+", 2)[0];
            return "0x" + hex.substring(2).toUpperCase(Locale.ROOT);
        }
        return "unknown";
    }

    private static String cause(JsonObject data) {
        if (data.getValue("diagnosis") instanceof JsonObject d && d.getValue("cause") instanceof String c) {
            return c.toLowerCase(Locale.ROOT);
        }
        Object h = data.getValue("hresult");
        if (h instanceof JsonObject o && o.getValue("name") instanceof String name) {
            return name.toLowerCase(Locale.ROOT);
        }
        if (h instanceof String s && s.trim().contains(" ")) {
            return s.trim().split("\\s+", 2)[1].toLowerCase(Locale.ROOT);
        }
        return "unknown";
    }
}
