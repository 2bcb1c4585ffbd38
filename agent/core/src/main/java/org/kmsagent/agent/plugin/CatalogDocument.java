package org.kmsagent.agent.plugin;

import java.util.List;
import org.kmsagent.api.LicensingService;

/**
 * The catalog document as a plugin writes it (docs/plugin-guide.md, "The catalog"). Read by {@link CatalogJson}, which
 * checks its shape (the fields and their JSON types), then turned into the API's {@link org.kmsagent.api.SkuCatalog}
 * by {@link CatalogReader}, which checks what the values mean.
 */
record CatalogDocument(
        String displayName,
        String applicationId,
        LicensingServiceEntry licensingService,
        Integer gracePeriodDays,
        List<ThresholdClassEntry> thresholdClasses,
        List<ProductGroupEntry> productGroups,
        List<SkuEntry> skus,
        List<HostKeyEntry> hostKeys,
        LicensePackEntry licensePack) {

    record ThresholdClassEntry(String name, Integer minimumCount) {}

    record ProductGroupEntry(String name, String kmsId) {}

    record SkuEntry(
            String name,
            String product,
            String edition,
            String skuId,
            String gvlk,
            String group,
            String thresholdClass,
            String source) {}

    record HostKeyEntry(String name, Integer generation, List<String> activates, String licensePack) {}

    record LicensingServiceEntry(LicensingService windows7AndOlder, LicensingService windows8AndLater) {}

    record LicensePackEntry(String name, String hostActivationId, List<String> hostOperatingSystems) {}
}
