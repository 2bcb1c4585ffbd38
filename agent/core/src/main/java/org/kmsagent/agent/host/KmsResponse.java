package org.kmsagent.agent.host;

import java.time.Duration;
import java.util.Objects;
import org.kmsagent.api.HResult;

/**
 * A KMS host's answer (docs/kms-rules.md §1.1).
 *
 * @param result {@link HResult#S_OK} when the requester is activated; otherwise the refusal
 *     ({@code 0xC004F038} count too low, {@code 0xC004F042} product not served, {@code 0xC004F06C} clock skew)
 * @param count the pool's count after registering this request (0 when the request was refused before counting)
 * @param requiredCount the threshold the requester needed
 * @param activationInterval the retry interval the host hands out
 * @param renewalInterval the renewal interval the host hands out
 * @param hostName the host's name
 */
public record KmsResponse(
        HResult result,
        int count,
        int requiredCount,
        Duration activationInterval,
        Duration renewalInterval,
        String hostName) {
    public KmsResponse {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(activationInterval, "activationInterval");
        Objects.requireNonNull(renewalInterval, "renewalInterval");
        Objects.requireNonNull(hostName, "hostName");
    }

    public boolean activated() {
        return result.succeeded();
    }
}
