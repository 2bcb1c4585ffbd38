package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.kmsagent.api.HResult;

/**
 * One request as the host's append-only history keeps it, granted or refused.
 *
 * @param sequence the ledger's order of the record, increasing; 0 for a record not yet stored
 * @param hostTime the host's time when it answered
 * @param clientTime the time the client sent
 * @param cmid the client machine id
 * @param machineName the client's workstation name
 * @param familyId the requesting product's family
 * @param skuName the requesting edition
 * @param poolId the count pool the request was for
 * @param productGroup the KMS product group the request carried
 * @param requiredCount the threshold the requester needed
 * @param result what the host answered
 * @param count the count the host returned (0 when refused before counting)
 */
public record HistoryRecord(
        long sequence,
        Instant hostTime,
        Instant clientTime,
        UUID cmid,
        String machineName,
        String familyId,
        String skuName,
        String poolId,
        String productGroup,
        int requiredCount,
        HResult result,
        int count) {
    public HistoryRecord {
        Objects.requireNonNull(hostTime, "hostTime");
        Objects.requireNonNull(clientTime, "clientTime");
        Objects.requireNonNull(cmid, "cmid");
        Objects.requireNonNull(machineName, "machineName");
        Objects.requireNonNull(familyId, "familyId");
        Objects.requireNonNull(skuName, "skuName");
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(productGroup, "productGroup");
        Objects.requireNonNull(result, "result");
    }
}
