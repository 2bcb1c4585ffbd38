package org.kmsagent.agent.daemon;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.windows.eventlog.AgentEvents;

/**
 * Relays the renewal loop's events to the Windows Application log (docs/windows.md, "Event Log"; the ids and their
 * insertion strings in docs/windows-service-notes.md): activations, renewals and their failures with the diagnosis,
 * MAK fallbacks, lapses ahead and expiries, each under its stable event id. It reads the same events {@code ctl
 * watch} and the fleet link read, from the bus, so the loop knows nothing of Windows. Off Windows the writer is a
 * no-op.
 *
 * <p>A renewal event carries its product's key (last five characters) and when its activation runs out, as the
 * loop last read it; so the lapse warnings come after a restart too, not only after a success this process saw. A
 * failed renewal's entry names the next attempt, which the loop sets after the event: it is written when the
 * product's {@value EventPublisher#STATE_CHANGED} event of the same run arrives (the daemon publishes it after the
 * run's renewal events).
 *
 * <p>Lapses ahead: when a renewal fails with 7 days or less left (and again with 1 day or less), the warning is
 * written once per validity (kms-rules §2.1: 180 days from the last success), after that failure's entry.
 */
final class EventLogRelay {
    private static final Duration SEVEN_DAYS = Duration.ofDays(7);
    private static final Duration ONE_DAY = Duration.ofDays(1);

    private final AgentEvents events;
    private final Map<String, Product> products = new HashMap<>();

    EventLogRelay(AgentEvents events) {
        this.events = events;
    }

    /** Starts relaying; close the returned consumer's registration to stop. */
    static MessageConsumer<JsonObject> attach(EventBus bus, AgentEvents events) {
        EventLogRelay relay = new EventLogRelay(events);
        return bus.<JsonObject>consumer(BusAddresses.EVENTS, m -> relay.on(m.body()));
    }

    void on(JsonObject envelope) {
        JsonObject e = envelope.getJsonObject("data", new JsonObject());
        String type = envelope.getString("type");
        if (EventPublisher.STATE_CHANGED.equals(type)) {
            stateChanged(e);
        } else if (EventPublisher.RENEWAL.equals(type)) {
            renewal(e);
        }
    }

    private void renewal(JsonObject e) {
        String name = e.getString("product", "?");
        Product p = products.computeIfAbsent(key(e), k -> new Product());
        flush(p, null); // a second event of the product before its state: its next attempt is not known
        Instant time = instant(e.getString("time"));
        String key = e.getString("partialKey", "");
        String host = e.getString("host", "DNS discovery");
        int code = hresult(e.getString("hresult"));
        String cause = e.getJsonObject("diagnosis", new JsonObject()).getString("cause", "OTHER");
        String why = e.getString("why", "");
        Instant validUntil = e.getString("validUntil") == null ? null : instant(e.getString("validUntil"));
        if (validUntil != null) {
            p.validFor(validUntil);
        }
        switch (e.getString("kind", "")) {
            case "ACTIVATED" -> events.activationSucceeded(name, key, host, validUntil);
            case "RENEWED" -> events.renewalSucceeded(name, host, validUntil);
            case "ACTIVATION_FAILED" -> {
                p.lastFailure = failure(e, why);
                events.activationFailed(name, key, code, cause, why);
            }
            case "RENEWAL_FAILED" -> {
                p.lastFailure = failure(e, why);
                p.pendingFailure = new PendingFailure(name, time, code, why.isEmpty() ? cause : cause + ": " + why);
            }
            case "MAK_ACTIVATED" ->
                events.makFallbackUsed(name, key, p.lastFailure == null ? "unknown" : p.lastFailure);
            case "EXPIRED" -> {
                products.remove(key(e));
                events.licenseExpired(name, time, "out-of-tolerance grace");
            }
            default -> {}
        }
    }

    /** The product's state after a run: the next attempt its failed renewal's entry names. */
    private void stateChanged(JsonObject view) {
        Product p = products.get(key(view));
        if (p != null) {
            String next = view.getString("nextAttempt");
            flush(p, next == null ? null : instant(next));
        }
    }

    /** Writes the product's failed renewal, then the lapse warning it calls for, if any. */
    private void flush(Product p, Instant nextAttempt) {
        PendingFailure f = p.pendingFailure;
        if (f == null) {
            return;
        }
        p.pendingFailure = null;
        events.renewalFailed(f.product(), f.code(), f.causeAndDiagnosis(), p.validUntil, nextAttempt);
        if (p.validUntil == null) {
            return;
        }
        Duration left = Duration.between(f.time(), p.validUntil);
        if (left.compareTo(ONE_DAY) <= 0 && !p.warnedOneDay) {
            p.warnedOneDay = true;
            p.warnedSevenDays = true;
            events.lapseAhead1Day(f.product(), p.validUntil, p.lastFailure);
        } else if (left.compareTo(SEVEN_DAYS) <= 0 && !p.warnedSevenDays) {
            p.warnedSevenDays = true;
            events.lapseAhead7Days(f.product(), p.validUntil, p.lastFailure);
        }
    }

    /** {@code 0xC004F074 SL_E_...: no KMS host answered}, the last error as the lapse warnings name it. */
    private static String failure(JsonObject e, String why) {
        return e.getString("hresult", "") + (why.isEmpty() ? "" : ": " + why);
    }

    /** A product by family and SKU id, as both renewal and state events name it (its edition name without an id). */
    private static String key(JsonObject e) {
        String sku = e.getString("skuId");
        return e.getString("family", "") + "/" + (sku != null ? sku : e.getString("product", "?"));
    }

    private static Instant instant(String text) {
        return text == null ? Instant.EPOCH : Instant.parse(text);
    }

    /** {@code 0xC004F074 SL_E_...} to its code; 0 when absent. */
    private static int hresult(String text) {
        if (text == null || !text.startsWith("0x")) {
            return 0;
        }
        String hex = text.substring(2).split(" ", 2)[0];
        return (int) Long.parseLong(hex, 16);
    }

    /** A failed renewal waiting for its next attempt. */
    private record PendingFailure(String product, Instant time, int code, String causeAndDiagnosis) {}

    /** What the relay remembers of one product. */
    private static final class Product {
        Instant validUntil;
        boolean warnedSevenDays;
        boolean warnedOneDay;
        String lastFailure;
        PendingFailure pendingFailure;

        /** A new validity (a success, or one first read after a restart) warns again when it nears its end. */
        void validFor(Instant until) {
            if (!until.equals(validUntil)) {
                validUntil = until;
                warnedSevenDays = false;
                warnedOneDay = false;
            }
        }
    }
}
