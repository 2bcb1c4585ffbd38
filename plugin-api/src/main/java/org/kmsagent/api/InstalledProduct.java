package org.kmsagent.api;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A product the licensing service holds a key for on this machine (a SKU with a partial product key).
 *
 * @param service the licensing service that holds it
 * @param applicationId its licensing application
 * @param skuId its SKU (activation) id
 * @param name the SKU name the service reports
 * @param description the SKU description the service reports (slmgr reads the channel kind from it)
 * @param channel the installed key's channel
 * @param partialProductKey the last five characters of the installed key, if a key is installed
 */
public record InstalledProduct(
        LicensingService service,
        UUID applicationId,
        UUID skuId,
        String name,
        String description,
        KeyChannel channel,
        Optional<String> partialProductKey) {
    public InstalledProduct {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(skuId, "skuId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(partialProductKey, "partialProductKey");
    }
}
