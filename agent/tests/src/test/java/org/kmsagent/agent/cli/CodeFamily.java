package org.kmsagent.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.ThresholdClass;

/** A Windows-client-like family built in code (no plugin jar), with the standard handler, for command tests. */
final class CodeFamily {
    private CodeFamily() {}

    /** A family whose catalog holds one edition per given SKU id (Pro's public GVLK first). */
    static LoadedFamily windowsClient(UUID applicationId, UUID... skuIds) {
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
        return TestFamilies.inCode("windows-client", "Windows client", applicationId, skus);
    }
}
