package org.kmsagent.api;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One volume edition of a product family and its public KMS client setup key (GVLK).
 *
 * @param name the full edition name people search for, e.g. "Windows Server 2022 Datacenter"
 * @param product the product, e.g. "Windows Server 2022"
 * @param edition the edition within the product, e.g. "Datacenter"
 * @param skuId the SKU (activation) id, when known
 * @param gvlk the public KMS client setup key
 * @param group the KMS product group a host grants or refuses this SKU by
 * @param thresholdClass the threshold the host's count must reach before it activates this SKU
 */
public record Sku(
        String name,
        String product,
        String edition,
        Optional<UUID> skuId,
        ProductKey gvlk,
        ProductGroup group,
        ThresholdClass thresholdClass) {
    public Sku {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(edition, "edition");
        Objects.requireNonNull(skuId, "skuId");
        Objects.requireNonNull(gvlk, "gvlk");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(thresholdClass, "thresholdClass");
    }
}
