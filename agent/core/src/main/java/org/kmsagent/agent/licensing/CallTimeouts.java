package org.kmsagent.agent.licensing;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@link DeadlineStack} abandoned since it started: how many licensing calls, of which kind, and the last one.
 *
 * @param since when the stack started counting (the agent's start)
 * @param deadline the deadline of reads
 * @param activationDeadline the deadline of an activation
 * @param timedOut calls abandoned at their deadline, or refused because earlier ones still hang
 * @param stillHung abandoned calls that have not returned yet
 * @param byCall {@link #timedOut} per call ({@code licenseState}, {@code activate}, ...), by name
 * @param lastCall the call abandoned last
 * @param lastAt when it was abandoned
 */
public record CallTimeouts(
        Instant since,
        Duration deadline,
        Duration activationDeadline,
        long timedOut,
        int stillHung,
        Map<String, Long> byCall,
        Optional<String> lastCall,
        Optional<Instant> lastAt) {
    public CallTimeouts {
        Objects.requireNonNull(since, "since");
        byCall = Collections.unmodifiableMap(new TreeMap<>(byCall));
        Objects.requireNonNull(lastCall, "lastCall");
        Objects.requireNonNull(lastAt, "lastAt");
    }

    /** {@code licenseState 2, activate 1}: the calls by count, most first; empty when none timed out. */
    public String perCall() {
        return String.join(
                ", ",
                byCall.entrySet().stream()
                        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                        .map(e -> e.getKey() + " " + e.getValue())
                        .toList());
    }
}
