package org.kmsagent.agent.licensing.slc;

import java.util.Map;

/**
 * A KMS host's counters as {@code SLGetApplicationInformation} reports them (docs/kms-rules.md §8.1, "KMS host counters").
 *
 * @param keyManagementService whether this machine is a KMS host for the application
 * @param currentCount the host's count; -1 when not a host or no request yet
 * @param requiredClientCount the count the host needs before it activates clients, -1 if not reported
 * @param totalRequests requests received, -1 if not reported
 * @param failedRequests requests that failed, -1 if not reported
 * @param requestsByClientStatus requests by the client's license status ({@code Licensed}, {@code OOBGrace}, ...)
 */
public record KmsHostCounters(
        boolean keyManagementService,
        long currentCount,
        long requiredClientCount,
        long totalRequests,
        long failedRequests,
        Map<String, Long> requestsByClientStatus) {
    public KmsHostCounters {
        requestsByClientStatus = Map.copyOf(requestsByClientStatus);
    }
}
