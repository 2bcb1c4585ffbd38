package org.kmsagent.agent.bus.view;

import java.time.Instant;

/**
 * One product on this machine as the control API shows it.
 *
 * @param family the family id, e.g. {@code windows-client}
 * @param product the edition's display name
 * @param skuId the SKU (activation) id
 * @param partialKey the last five characters of the installed key, or null
 * @param status the licence status name (e.g. {@code LICENSED}, {@code INITIAL_GRACE})
 * @param kms the KMS endpoint used ({@code host:port} or {@code DNS discovery}), or null
 * @param validUntil when the current activation or grace runs out, or null
 * @param nextAttempt when the agent next contacts KMS for it, or null
 * @param lastResult the last attempt's outcome (e.g. {@code 0x0 ok}, {@code 0xC004F038 ...}), or null
 */
public record ProductView(
        String family,
        String product,
        String skuId,
        String partialKey,
        String status,
        String kms,
        Instant validUntil,
        Instant nextAttempt,
        String lastResult) {}
