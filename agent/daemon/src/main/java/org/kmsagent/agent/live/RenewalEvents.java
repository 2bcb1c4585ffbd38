package org.kmsagent.agent.live;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.renewal.RenewalEvent;
import org.kmsagent.api.HResult;

/** How the daemon reads and shows a renewal-loop event: its JSON on the bus, its one-line result, its class. */
final class RenewalEvents {
    private RenewalEvents() {}

    /** A failed attempt or call, or a lapse: logged at WARN so that a quiet log ({@code logging.level: WARN}) shows it. */
    static boolean isFailure(RenewalEvent.Kind k) {
        return switch (k) {
            case ACTIVATION_FAILED, RENEWAL_FAILED, MAK_FAILED, CALL_FAILED, CALL_TIMED_OUT, EXPIRED, GRACE_EXPIRED ->
                true;
            default -> false;
        };
    }

    static boolean isAttempt(RenewalEvent.Kind k) {
        return switch (k) {
            case ACTIVATED, ACTIVATION_FAILED, RENEWED, RENEWAL_FAILED, MAK_ACTIVATED, MAK_FAILED, CALL_TIMED_OUT ->
                true;
            default -> false;
        };
    }

    static boolean succeeded(RenewalEvent.Kind k) {
        return k == RenewalEvent.Kind.ACTIVATED
                || k == RenewalEvent.Kind.RENEWED
                || k == RenewalEvent.Kind.MAK_ACTIVATED;
    }

    /** A renewal event as the fleet link and {@code ctl watch} read it (docs/event-bus.md, docs/fleet.md). */
    static JsonObject renewalJson(RenewalEvent e) {
        return renewalJson(e, null, Optional.empty(), Optional.empty());
    }

    /**
     * A renewal event with what the agent knows of its product beside it: the SKU id, the installed key's last five
     * characters, and when the activation runs out as the loop last read it (each null when not known). The Event
     * Log's entries name the key and the validity from these (docs/windows-service-notes.md, "Event ids").
     */
    static JsonObject renewalJson(
            RenewalEvent e, UUID skuId, Optional<String> partialKey, Optional<Instant> validUntil) {
        JsonObject j = new JsonObject()
                .put("kind", e.kind().name())
                .put("family", e.family())
                .put("product", e.sku())
                .put("machine", e.machine())
                .put("time", e.time().toString())
                .put("hresult", e.hresult().map(RenewalEvents::hresultText).orElse(null))
                .put("pool", e.pool())
                .put("count", e.count().isPresent() ? e.count().getAsInt() : null)
                .put("required", e.required().isPresent() ? e.required().getAsInt() : null)
                .put("host", e.host().orElse(null))
                .put("skuId", skuId == null ? null : skuId.toString())
                .put("partialKey", partialKey.orElse(null))
                .put("validUntil", validUntil.map(Instant::toString).orElse(null));
        // "why" repeats the diagnosis as one line, for readers that show only flat fields (ctl watch's text).
        e.diagnosis()
                .ifPresent(d -> j.put("why", d.toString())
                        .put(
                                "diagnosis",
                                new JsonObject()
                                        .put("cause", d.cause().name())
                                        .put("detail", d.detail())
                                        .put("summary", d.toString())));
        return j;
    }

    static String hresultText(HResult h) {
        return h.hex() + (h.isKnown() ? " " + h.name() : "");
    }

    /** The last result as status shows it: the code and "ok", or the code and the diagnosis. */
    static String resultText(RenewalEvent e) {
        String h = e.hresult().map(RenewalEvents::hresultText).orElse("");
        return succeeded(e.kind())
                ? h + " ok"
                : h + e.diagnosis().map(d -> " " + d).orElse("");
    }
}
