package org.kmsagent.agent.status;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded family's installed products, or why they could not be listed.
 *
 * @param familyId the family id
 * @param displayName the family's name
 * @param products its installed products (empty when none, or when listing failed)
 * @param error why listing failed, if it did
 */
public record FamilyStatus(String familyId, String displayName, List<ProductStatus> products, Optional<String> error) {
    public FamilyStatus {
        Objects.requireNonNull(familyId, "familyId");
        Objects.requireNonNull(displayName, "displayName");
        products = List.copyOf(products);
        Objects.requireNonNull(error, "error");
    }
}
