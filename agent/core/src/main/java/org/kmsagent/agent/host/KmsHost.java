package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.Optional;

/**
 * The model of one KMS host: it answers requests by its ledger and its settings. Implementations are
 * thread-safe; every answered request is durable before the answer is returned.
 */
public interface KmsHost {

    /** The host's name, as clients record it ("the KMS host in use"). */
    String name();

    /**
     * Answers one request at the host's time {@code now}: checks the clock skew, whether a host key or license pack
     * serves the product group, registers the CMID in the pool, and grants when the count reaches the requester's
     * threshold. Every request, granted or not, is appended to the history.
     */
    KmsResponse handle(KmsRequest request, Instant now);

    /**
     * The keys, packs and settings the host answers by, when it is a model that knows them: what tells a refusal's
     * cause apart (a key of the wrong class, no key at all) where the answer's code alone cannot. Empty by default.
     */
    default Optional<HostConfig> configuration() {
        return Optional.empty();
    }
}
