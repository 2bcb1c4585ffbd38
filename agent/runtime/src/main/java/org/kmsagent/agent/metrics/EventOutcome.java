package org.kmsagent.agent.metrics;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;

/**
 * What one event of the agent's topic ({@code {type, at, data}}, docs/event-bus.md) says about activation: an
 * activation or a renewal, of which family, and with which result ({@code ok} or the HRESULT as {@code 0x…} text).
 * Both event shapes count: the control API's {@code activation} event (a {@code Result}) and the renewal loop's
 * events, whose {@code data} has a {@code kind} (docs/fleet.md, "What agents report").
 *
 * @param renewal true for a renewal, false for an activation (KMS or MAK)
 * @param family the family id, or {@code unknown}
 * @param result {@code ok}, or the failure's HRESULT (e.g. {@code 0xC004F038})
 */
public record EventOutcome(boolean renewal, String family, String result) {
  /** The result label of a success. */
  public static final String OK = "ok";

  /** The outcome an event reports, or empty when it reports none (a key installed, a setting changed, …). */
  public static Optional<EventOutcome> of(JsonObject event) {
    if (event == null || !(event.getValue("data") instanceof JsonObject data)) {
      return Optional.empty();
    }
    String family = data.getValue("family") instanceof String f ? f : "unknown";
    if (data.getValue("kind") instanceof String kind) {
      return switch (kind) {
        case "ACTIVATED", "MAK_ACTIVATED" -> Optional.of(new EventOutcome(false, family, OK));
        case "ACTIVATION_FAILED", "MAK_FAILED" -> Optional.of(new EventOutcome(false, family, code(data)));
        case "RENEWED" -> Optional.of(new EventOutcome(true, family, OK));
        case "RENEWAL_FAILED" -> Optional.of(new EventOutcome(true, family, code(data)));
        default -> Optional.empty();
      };
    }
    if ("activation".equals(event.getString("type"))) {
      boolean ok = Boolean.TRUE.equals(data.getValue("ok"));
      return Optional.of(new EventOutcome(false, family, ok ? OK : code(data)));
    }
    return Optional.empty();
  }

  /** The HRESULT as upper-case hex text, whether the event carries text or the {@code HResult} record's JSON. */
  private static String code(JsonObject data) {
    Object h = data.getValue("hresult");
    if (h instanceof JsonObject o) {
      h = o.getValue("code");
    }
    if (h instanceof Number n) {
      return String.format(Locale.ROOT, "0x%08X", n.intValue());
    }
    if (h instanceof String s && s.toLowerCase(Locale.ROOT).startsWith("0x")) {
      return "0x" + s.substring(2).toUpperCase(Locale.ROOT);
    }
    return "failed";
  }
}
