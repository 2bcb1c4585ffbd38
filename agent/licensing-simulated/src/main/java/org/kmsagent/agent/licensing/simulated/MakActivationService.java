package org.kmsagent.agent.licensing.simulated;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.api.HResult;
import org.kmsagent.api.ProductKey;

/**
 * A model of Microsoft's online activation service for Multiple Activation Keys: each MAK may activate a fixed
 * number of machines; one more is refused with {@code 0xC004C020}. Reactivating a machine that this key already
 * activated does not consume another activation.
 */
public final class MakActivationService {

    private static final class Mak {
        final Set<UUID> skuIds;
        final int limit;
        final Set<UUID> activated = new HashSet<>();

        Mak(Set<UUID> skuIds, int limit) {
            this.skuIds = Set.copyOf(skuIds);
            this.limit = limit;
        }
    }

    private final Map<String, Mak> keys = new HashMap<>();
    private long generation;

    /** Registers a MAK that may be installed on the given SKUs and activate {@code activations} machines. */
    public void register(ProductKey mak, Set<UUID> skuIds, int activations) {
        Objects.requireNonNull(mak, "mak");
        if (activations < 0) {
            throw new IllegalArgumentException("MAK activations must be ≥ 0");
        }
        keys.put(mak.value(), new Mak(skuIds, activations));
        generation++;
    }

    /** How many MAKs have been registered: what {@link #accepts} answers changes only when this does. */
    public long generation() {
        return generation;
    }

    /** Whether this is a MAK the service knows, installable on that SKU. */
    public boolean accepts(ProductKey key, UUID skuId) {
        Mak m = keys.get(key.value());
        return m != null && m.skuIds.contains(skuId);
    }

    /** Whether the key is a MAK the service knows at all. */
    public boolean knows(ProductKey key) {
        return keys.containsKey(key.value());
    }

    /** Activates one machine online: {@code S_OK}, or {@code 0xC004C020} when the key is used up. */
    public HResult activate(ProductKey key, UUID cmid) {
        Mak m = keys.get(key.value());
        if (m == null) {
            return HResult.SL_E_INVALID_PRODUCT_KEY;
        }
        if (m.activated.contains(cmid)) {
            return HResult.S_OK;
        }
        if (m.activated.size() >= m.limit) {
            return HResult.SL_E_CHPA_DMAK_LIMIT_EXCEEDED;
        }
        m.activated.add(cmid);
        return HResult.S_OK;
    }

    /** How many activations the key has left. */
    public int remaining(ProductKey key) {
        Mak m = keys.get(key.value());
        return m == null ? 0 : m.limit - m.activated.size();
    }
}
