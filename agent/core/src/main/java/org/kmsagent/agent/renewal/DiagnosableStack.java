package org.kmsagent.agent.renewal;

import java.util.Optional;
import java.util.UUID;

/**
 * A licensing stack that knows why its last attempt for a SKU failed (the simulated one sees the whole network).
 * The renewal loop prefers this over {@link Diagnosis#fromResult}, which only has the code to go by.
 */
public interface DiagnosableStack {

    /** Why the last activation or key installation for that SKU failed, if it did. */
    Optional<Diagnosis> lastDiagnosis(UUID skuId);
}
