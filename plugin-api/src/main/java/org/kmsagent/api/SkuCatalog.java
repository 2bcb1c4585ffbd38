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
 * @param skus the volume editions
 * @param hostKeys the host key kinds this family declares (may be empty: another family's keys may serve it)
 * @param licensePack the license pack a KMS host needs to serve this family, if any
 * @param gracePeriod the out-of-box grace a freshly installed product has (30 days for Windows, kms-facts.md §2.2)
 */
public record SkuCatalog(
    String familyId,
    List<Sku> skus,
    List<HostKey> hostKeys,
    Optional<LicensePack> licensePack,
    Duration gracePeriod) {
  public SkuCatalog {
    Objects.requireNonNull(familyId, "familyId");
    skus = List.copyOf(skus);
    hostKeys = List.copyOf(hostKeys);
    Objects.requireNonNull(licensePack, "licensePack");
    Objects.requireNonNull(gracePeriod, "gracePeriod");
  }

  /** The edition of that exact name, ignoring case. */
  public Optional<Sku> byName(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    return skus.stream().filter(s -> s.name().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
  }

  /** The edition with that SKU id. */
  public Optional<Sku> bySkuId(UUID skuId) {
    return skus.stream().filter(s -> s.skuId().filter(skuId::equals).isPresent()).findFirst();
  }

  /** The threshold classes this catalog's editions use, in first-use order. */
  public List<ThresholdClass> thresholdClasses() {
    return skus.stream().map(Sku::thresholdClass).distinct().toList();
  }
}
