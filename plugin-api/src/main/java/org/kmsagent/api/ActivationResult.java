package org.kmsagent.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The answer to one activation or renewal attempt.
 *
 * @param hresult what Windows reports ({@link HResult#S_OK} when activated)
 * @param kmsHost the host that answered, if one did; for an attempt no host granted, the stack may name the host it
 *     concerns (one that refused the client's clock, or the last that did not answer)
 * @param reportedCount the count the host reported back, if it answered (docs/kms-rules.md §1.1)
 * @param requiredCount the threshold this product needed, when known
 */
public record ActivationResult(
        HResult hresult, Optional<String> kmsHost, OptionalInt reportedCount, OptionalInt requiredCount) {
    public ActivationResult {
        Objects.requireNonNull(hresult, "hresult");
        Objects.requireNonNull(kmsHost, "kmsHost");
        Objects.requireNonNull(reportedCount, "reportedCount");
        Objects.requireNonNull(requiredCount, "requiredCount");
    }

    /** A result with only a code: no host answered. */
    public static ActivationResult of(HResult hresult) {
        return new ActivationResult(hresult, Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** Whether the product is now activated. */
    public boolean activated() {
        return hresult.succeeded();
    }
}
