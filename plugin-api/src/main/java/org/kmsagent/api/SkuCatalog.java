package org.kmsagent.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A product family's validated catalog: its editions with their GVLKs, the host keys that serve them, the
 * license pack a host needs (Office), and the out-of-box grace period.
 *
 * <p>The core builds it from the document at {@link ProductFamily#catalogResource()} and has checked every
 * key's format, every threshold class and the uniqueness of names and keys before a handler sees it.
 *
 * @param familyId the family's id
 * @param displayName a name for people, e.g. "Office LTSC 2021"
 * @param applicationId the licensing application id the family's SKUs belong to (Windows
 *     {@code 55c92734-d682-4d71-983e-d6ec3f16059f}); the core derives the count pool from it
 * @param licensingServices which service licenses the family on each Windows generation
 * @param skus the volume editions
 * @param hostKeys the host key kinds this family declares (may be empty: another family's keys may serve it)
 * @param licensePack the license pack a KMS host needs to serve this family, if any
 * @param gracePeriod the out-of-box grace a freshly installed product has (30 days for Windows, docs/kms-rules.md §2.2)
 */
public record SkuCatalog(
        String familyId,
        String displayName,
        UUID applicationId,
        LicensingServices licensingServices,
        List<Sku> skus,
        List<HostKey> hostKeys,
        Optional<LicensePack> licensePack,
        Duration gracePeriod) {
    public SkuCatalog {
        Objects.requireNonNull(familyId, "familyId");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(licensingServices, "licensingServices");
        skus = List.copyOf(skus);
        hostKeys = List.copyOf(hostKeys);
        Objects.requireNonNull(licensePack, "licensePack");
        Objects.requireNonNull(gracePeriod, "gracePeriod");
    }

    /** The edition of that exact name, ignoring case. */
    public Optional<Sku> byName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return skus.stream()
                .filter(s -> s.name().toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst();
    }

    /** The edition with that SKU id. */
    public Optional<Sku> bySkuId(UUID skuId) {
        return skus.stream()
                .filter(s -> s.skuId().filter(skuId::equals).isPresent())
                .findFirst();
    }

    /** The threshold classes this catalog's editions use, in first-use order. */
    public List<ThresholdClass> thresholdClasses() {
        return skus.stream().map(Sku::thresholdClass).distinct().toList();
    }
}
