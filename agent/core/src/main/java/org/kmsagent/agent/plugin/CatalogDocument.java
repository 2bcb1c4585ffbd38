package org.kmsagent.agent.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.kmsagent.api.LicensingService;

/**
 * The catalog document as a plugin writes it (docs/plugin-guide.md, "The catalog"). Read with Jackson, then turned
 * into the API's {@link org.kmsagent.api.SkuCatalog} by {@link CatalogReader}, which checks what JSON cannot.
 */
record CatalogDocument(
        @JsonProperty(required = true) String displayName,
        @JsonProperty(required = true) String applicationId,
        @JsonProperty(required = true) LicensingServiceEntry licensingService,
        @JsonProperty(required = true) Integer gracePeriodDays,
        List<ThresholdClassEntry> thresholdClasses,
        @JsonProperty(required = true) List<ProductGroupEntry> productGroups,
        @JsonProperty(required = true) List<SkuEntry> skus,
        List<HostKeyEntry> hostKeys,
        LicensePackEntry licensePack) {

    record ThresholdClassEntry(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) Integer minimumCount) {}

    record ProductGroupEntry(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String kmsId) {}

    record SkuEntry(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String product,
            @JsonProperty(required = true) String edition,
            String skuId,
            @JsonProperty(required = true) String gvlk,
            @JsonProperty(required = true) String group,
            @JsonProperty(required = true) String thresholdClass,
            String source) {}

    record HostKeyEntry(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) Integer generation,
            @JsonProperty(required = true) List<String> activates,
            String licensePack) {}

    record LicensingServiceEntry(
            @JsonProperty(required = true) LicensingService windows7AndOlder,
            @JsonProperty(required = true) LicensingService windows8AndLater) {}

    record LicensePackEntry(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String hostActivationId,
            List<String> hostOperatingSystems) {}
}
