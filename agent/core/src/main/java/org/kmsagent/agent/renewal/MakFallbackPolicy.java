package org.kmsagent.agent.renewal;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.kmsagent.api.ProductKey;

/**
 * A family's MAK fallback (off by default): sites too small ever to reach a KMS threshold are the case the KMS
 * documentation sends to MAK activation. When a product has been refused for insufficient count for
 * {@code after}, the loop installs the administrator's MAK and activates it online, once, and reports it.
 *
 * @param enabled whether the fallback applies
 * @param after how long refusals for insufficient count must have lasted
 * @param mak the administrator-supplied MAK
 */
public record MakFallbackPolicy(boolean enabled, Duration after, Optional<ProductKey> mak) {
    /** No fallback: the default. */
    public static final MakFallbackPolicy OFF = new MakFallbackPolicy(false, Duration.ZERO, Optional.empty());

    public MakFallbackPolicy {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(mak, "mak");
        if (enabled && mak.isEmpty()) {
            throw new IllegalArgumentException("MAK fallback enabled without a MAK");
        }
        if (after.isNegative()) {
            throw new IllegalArgumentException("MAK fallback delay must not be negative");
        }
    }

    /** Fallback after {@code after} of count refusals, with that MAK. */
    public static MakFallbackPolicy after(Duration after, ProductKey mak) {
        return new MakFallbackPolicy(true, after, Optional.of(mak));
    }

    /** Masks the key. */
    @Override
    public String toString() {
        return enabled ? "MAK fallback after " + after + " with " + mak.orElseThrow() : "MAK fallback off";
    }
}
