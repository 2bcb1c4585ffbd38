package org.kmsagent.agent.licensing;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicensingException;

/**
 * What {@code slmgr /dlv} (and, for Office on OSPP, {@code ospp.vbs /dstatus}) shows beside the license state, for
 * stacks that can read it: the machine's CMID, the product's application id and extended PID, KMS host caching, the
 * KMS host and port last used, the licensing service's trusted time and the remaining rearm count. Kept out of
 * {@code LicensingStack} (the plugins' API) on purpose: status reads it when the stack offers it.
 */
public interface LicenseDetails {
    /**
     * The details of an installed product; every field the licensing service does not report is empty.
     *
     * @return empty when this stack (or the one it wraps) cannot read details at all
     */
    Optional<Details> licenseDetails(InstalledProduct product) throws LicensingException;

    /**
     * The fields, each as the licensing service reports it, or empty.
     *
     * @param clientMachineId the CMID the client sends to KMS hosts ({@code ClientMachineID})
     * @param applicationId the licensing application the product belongs to (Windows, Office)
     * @param extendedPid the product's extended PID (from its installed key)
     * @param kmsHostCaching whether KMS host caching is on (the host that answered is reused before DNS)
     * @param kmsHostUsed the KMS host that answered last ({@code DiscoveredKeyManagementServiceMachineName})
     * @param kmsPortUsed its port ({@code DiscoveredKeyManagementServicePort})
     * @param trustedTime the licensing service's trusted time ({@code TrustedTime})
     * @param remainingRearmCount rearms left ({@code RemainingRearmCount})
     */
    record Details(
            Optional<String> clientMachineId,
            Optional<UUID> applicationId,
            Optional<String> extendedPid,
            Optional<Boolean> kmsHostCaching,
            Optional<String> kmsHostUsed,
            OptionalInt kmsPortUsed,
            Optional<Instant> trustedTime,
            OptionalInt remainingRearmCount) {
        public Details {
            Objects.requireNonNull(clientMachineId, "clientMachineId");
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(extendedPid, "extendedPid");
            Objects.requireNonNull(kmsHostCaching, "kmsHostCaching");
            Objects.requireNonNull(kmsHostUsed, "kmsHostUsed");
            Objects.requireNonNull(kmsPortUsed, "kmsPortUsed");
            Objects.requireNonNull(trustedTime, "trustedTime");
            Objects.requireNonNull(remainingRearmCount, "remainingRearmCount");
        }
    }
}
