package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One client machine id in a count pool's table (docs/kms-rules.md §1.2).
 *
 * @param poolId the count pool
 * @param cmid the client machine id
 * @param machineName the workstation name it last sent
 * @param lastSeen the host time of its latest counted request
 */
public record PoolEntry(String poolId, UUID cmid, String machineName, Instant lastSeen) {
    public PoolEntry {
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(cmid, "cmid");
        Objects.requireNonNull(machineName, "machineName");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
