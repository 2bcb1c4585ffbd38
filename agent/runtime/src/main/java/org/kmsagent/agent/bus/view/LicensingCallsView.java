package org.kmsagent.agent.bus.view;

import java.util.Map;
import org.kmsagent.agent.licensing.CallTimeouts;

/**
 * The licensing calls the running agent abandoned at their deadline since it started ({@code licensingCalls} in the
 * status reply, docs/event-bus.md).
 *
 * @param since when the agent started counting
 * @param deadlineSeconds the deadline of reads
 * @param activationDeadlineSeconds the deadline of an activation
 * @param timedOut calls abandoned (or refused while earlier ones still hang)
 * @param stillHung abandoned calls that have not returned yet
 * @param byCall {@code timedOut} per call name ({@code licenseState}, {@code activate}, ...)
 * @param lastCall the call abandoned last, or null
 * @param lastAt when, or null
 */
public record LicensingCallsView(
        String since,
        long deadlineSeconds,
        long activationDeadlineSeconds,
        long timedOut,
        int stillHung,
        Map<String, Long> byCall,
        String lastCall,
        String lastAt) {
    public LicensingCallsView {
        byCall = Map.copyOf(byCall);
    }

    public static LicensingCallsView of(CallTimeouts t) {
        return new LicensingCallsView(
                t.since().toString(),
                t.deadline().toSeconds(),
                t.activationDeadline().toSeconds(),
                t.timedOut(),
                t.stillHung(),
                t.byCall(),
                t.lastCall().orElse(null),
                t.lastAt().map(Object::toString).orElse(null));
    }
}
