package org.kmsagent.agent.licensing.simulated;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.Sku;

/**
 * A product edition installed on a simulated machine, with the facts its family's catalog gives about it.
 *
 * @param service the licensing service that holds it
 * @param applicationId the licensing application id
 * @param familyId the family id
 * @param poolId the count pool its requests are counted in
 * @param sku the edition (its group and threshold class go into the KMS request)
 * @param gracePeriod the out-of-box grace (the family catalog's {@code gracePeriod}, docs/kms-rules.md §2.2)
 * @param licensePack the license pack a host needs to serve it, if any (for diagnosis)
 */
public record SimulatedProduct(
        LicensingService service,
        UUID applicationId,
        String familyId,
        String poolId,
        Sku sku,
        Duration gracePeriod,
        Optional<String> licensePack) {
    public SimulatedProduct {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(familyId, "familyId");
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        Objects.requireNonNull(licensePack, "licensePack");
        if (sku.skuId().isEmpty()) {
            throw new IllegalArgumentException("edition " + sku.name() + " has no SKU id and cannot be installed");
        }
    }

    /** The SKU id. */
    public UUID skuId() {
        return sku.skuId().orElseThrow();
    }
}
