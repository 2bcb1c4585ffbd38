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
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.windows.eventlog.AgentEvents;

/**
 * Relays the renewal loop's events to the Windows Application log (docs/windows.md, "Event Log"): activations,
 * renewals and their failures with the diagnosis, MAK fallbacks, lapses ahead and expiries, each under its stable
 * event id. It reads the same events {@code ctl watch} and the fleet link read, from the bus, so the loop knows
 * nothing of Windows. Off Windows the writer is a no-op.
 *
 * <p>Lapses ahead: a product's validity ends {@link KmsRules#VALIDITY} after its last success this agent saw; when a
 * renewal fails with 7 days or less left (and again with 1 day or less), the warning is written once per validity.
 */
final class EventLogRelay {
    private static final Duration SEVEN_DAYS = Duration.ofDays(7);
    private static final Duration ONE_DAY = Duration.ofDays(1);

    private final AgentEvents events;
    private final Map<String, Validity> validity = new HashMap<>();

    EventLogRelay(AgentEvents events) {
        this.events = events;
    }

    /** Starts relaying; close the returned consumer's registration to stop. */
    static MessageConsumer<JsonObject> attach(EventBus bus, AgentEvents events) {
        EventLogRelay relay = new EventLogRelay(events);
        return bus.<JsonObject>consumer(BusAddresses.EVENTS, m -> relay.on(m.body()));
    }

    void on(JsonObject envelope) {
        if (!EventPublisher.RENEWAL.equals(envelope.getString("type"))) {
            return;
        }
        JsonObject e = envelope.getJsonObject("data", new JsonObject());
        String product = e.getString("product", "?");
        String key = e.getString("family", "") + "/" + product;
        Instant time = Instant.parse(e.getString("time", Instant.EPOCH.toString()));
        String host = e.getString("host", "DNS discovery");
        int code = hresult(e.getString("hresult"));
        String cause = e.getJsonObject("diagnosis", new JsonObject()).getString("cause", "OTHER");
        String why = e.getString("why", e.getString("hresult", ""));
        switch (e.getString("kind", "")) {
            case "ACTIVATED" -> {
                validity.put(key, new Validity(time.plus(KmsRules.VALIDITY)));
                events.activationSucceeded(product, "", host, time.plus(KmsRules.VALIDITY));
            }
            case "RENEWED" -> {
                validity.put(key, new Validity(time.plus(KmsRules.VALIDITY)));
                events.renewalSucceeded(product, host, time.plus(KmsRules.VALIDITY));
            }
            case "ACTIVATION_FAILED" -> events.activationFailed(product, "", code, cause, why);
            case "RENEWAL_FAILED" -> {
                Validity v = validity.get(key);
                events.renewalFailed(product, code, cause, v == null ? null : v.until, null);
                if (v != null) {
                    Duration left = Duration.between(time, v.until);
                    String last = e.getString("hresult", "") + (why.isEmpty() ? "" : ": " + why);
                    if (left.compareTo(ONE_DAY) <= 0 && !v.warnedOneDay) {
                        v.warnedOneDay = true;
                        v.warnedSevenDays = true;
                        events.lapseAhead1Day(product, v.until, last);
                    } else if (left.compareTo(SEVEN_DAYS) <= 0 && !v.warnedSevenDays) {
                        v.warnedSevenDays = true;
                        events.lapseAhead7Days(product, v.until, last);
                    }
                }
            }
            case "MAK_ACTIVATED" -> events.makFallbackUsed(product, "", why);
            case "EXPIRED" -> {
                validity.remove(key);
                events.licenseExpired(product, time, "out-of-tolerance grace");
            }
            default -> {}
        }
    }

    /** {@code 0xC004F074 SL_E_...} to its code; 0 when absent. */
    private static int hresult(String text) {
        if (text == null || !text.startsWith("0x")) {
            return 0;
        }
        String hex = text.substring(2).split(" ", 2)[0];
        return (int) Long.parseLong(hex, 16);
    }

    private static final class Validity {
        final Instant until;
        boolean warnedSevenDays;
        boolean warnedOneDay;

        Validity(Instant until) {
            this.until = until;
        }
    }
}
