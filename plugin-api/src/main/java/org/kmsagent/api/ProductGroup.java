package org.kmsagent.api;

import java.util.Objects;
import java.util.UUID;

/**
 * A KMS product group: the "KMS counted id" a requesting SKU carries, by which a KMS host grants or refuses the
 * request (docs/kms-rules.md §1.1: the host key lists the KMS ids it may activate).
 *
 * @param name a name for people, unique across loaded plugins, e.g. "Windows Server 2019"
 * @param kmsId the KMS id
 */
public record ProductGroup(String name, UUID kmsId) {
    public ProductGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kmsId, "kmsId");
    }
}
