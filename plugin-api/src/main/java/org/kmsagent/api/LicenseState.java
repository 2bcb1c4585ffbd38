package org.kmsagent.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What the licensing service reports about one installed product: the fields an administrator knows from
 * {@code slmgr /dlv}.
 *
 * @param skuId the SKU
 * @param status the license status
 * @param graceRemaining grace left in the current grace or notification state; for a KMS-activated product the
 *     time until its activation expires
 * @param reason the status reason HRESULT ({@code SL_I_*} for grace kinds; the last error otherwise)
 * @param validUntil when a KMS activation expires (180 days after the last success, docs/kms-rules.md §2.1)
 * @param kmsEndpoint the KMS host setting in force
 * @param kmsHostInUse the host that answered last (pinned or discovered through DNS), if any
 * @param activationInterval how often an unactivated client retries (the host's value once it answered)
 * @param renewalInterval how often an activated client renews (the host's value once it answered)
 * @param lastResult the last activation attempt's result, if any
 */
public record LicenseState(
        UUID skuId,
        LicenseStatus status,
        Duration graceRemaining,
        HResult reason,
        Optional<Instant> validUntil,
        KmsEndpoint kmsEndpoint,
        Optional<String> kmsHostInUse,
        Duration activationInterval,
        Duration renewalInterval,
        Optional<ActivationResult> lastResult) {
    public LicenseState {
        Objects.requireNonNull(skuId, "skuId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(graceRemaining, "graceRemaining");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(kmsEndpoint, "kmsEndpoint");
        Objects.requireNonNull(kmsHostInUse, "kmsHostInUse");
        Objects.requireNonNull(activationInterval, "activationInterval");
        Objects.requireNonNull(renewalInterval, "renewalInterval");
        Objects.requireNonNull(lastResult, "lastResult");
    }
}
