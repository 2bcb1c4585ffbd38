package org.kmsagent.agent.daemon;

import java.time.Instant;

/**
 * What the daemon must remember of one product across restarts, so that a restarted agent resumes its renewal
 * schedule instead of activating everything again or forgetting a product.
 *
 * @param nextDue when the renewal loop next contacts KMS for it
 * @param validUntil when its current activation (or grace) runs out, or null if unknown
 * @param lastAttempt when it was last tried, or null
 * @param lastResult the last attempt's outcome, for people (e.g. {@code 0x0 ok}), or null
 */
public record ProductSchedule(Instant nextDue, Instant validUntil, Instant lastAttempt, String lastResult) {}
