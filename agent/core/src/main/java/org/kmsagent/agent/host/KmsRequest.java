package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ThresholdClass;

/**
 * One activation or renewal request as a KMS host sees it (the fields of docs/kms-rules.md §1.1 that the model uses).
 *
 * @param clientTime the client's clock when it sent the request (UTC); checked against the host's (§2.4)
 * @param cmid the client machine id, the unit that is counted
 * @param machineName the client's workstation name, kept in the history
 * @param familyId the requesting product's family, kept in the history
 * @param poolId the count pool (one table per licensing application, §1.4)
 * @param applicationId the licensing application id
 * @param skuName the requesting edition, kept in the history
 * @param group the KMS product group the host grants or refuses by (§1.1)
 * @param thresholdClass the class whose minimum count the requester needs (§1.5)
 * @param clientStatus the client's license state when it asked
 */
public record KmsRequest(
        Instant clientTime,
        UUID cmid,
        String machineName,
        String familyId,
        String poolId,
        UUID applicationId,
        String skuName,
        ProductGroup group,
        ThresholdClass thresholdClass,
        LicenseStatus clientStatus) {
    public KmsRequest {
        Objects.requireNonNull(clientTime, "clientTime");
        Objects.requireNonNull(cmid, "cmid");
        Objects.requireNonNull(machineName, "machineName");
        Objects.requireNonNull(familyId, "familyId");
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(skuName, "skuName");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(thresholdClass, "thresholdClass");
        Objects.requireNonNull(clientStatus, "clientStatus");
    }
}
