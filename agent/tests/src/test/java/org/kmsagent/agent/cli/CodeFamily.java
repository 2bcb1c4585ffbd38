package org.kmsagent.agent.cli;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingServices;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.ThresholdClass;

/** A product family built in code (no plugin jar), with the standard handler, for command tests. */
final class CodeFamily implements ProductFamily {
    private final String id;
    private final UUID applicationId;

    private CodeFamily(String id, UUID applicationId) {
        this.id = id;
        this.applicationId = applicationId;
    }

    /** A Windows-client-like family whose catalog holds one edition per given SKU id (Pro's public GVLK). */
    static LoadedFamily windowsClient(UUID applicationId, UUID... skuIds) {
        CodeFamily family = new CodeFamily("windows-client", applicationId);
        ProductGroup group =
                new ProductGroup("Windows 10/11 client", UUID.fromString("58e2134f-8e11-4d17-9cb2-91069c151148"));
        List<Sku> skus = new ArrayList<>();
        for (int i = 0; i < skuIds.length; i++) {
            skus.add(new Sku(
                    "Windows 10/11 Edition " + i,
                    "Windows 10/11",
                    "Edition " + i,
                    Optional.of(skuIds[i]),
                    ProductKey.parse(i == 0 ? "W269N-WFGWX-YVC9B-4J6C9-T83GX" : "NPPR9-FWDCX-D2C8J-H872K-2YT43"),
                    group,
                    ThresholdClass.CLIENT));
        }
        SkuCatalog catalog = new SkuCatalog(
                "windows-client",
                "Windows client",
                applicationId,
                new LicensingServices(LicensingService.SPP, LicensingService.SPP),
                skus,
                List.of(),
                Optional.empty(),
                Duration.ofDays(30));
        return LoadedFamily.of(family, catalog, "windows-client", "0.1.0", Optional.empty());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public URL catalogResource() {
        return null;
    }
}
