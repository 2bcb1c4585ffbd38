package org.kmsagent.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A KMS host license pack (Office): installs the host licenses for one product version, after which its host key
 * can be installed. A host without the pack refuses that version's clients (docs/kms-rules.md §3.4).
 *
 * @param name e.g. "Office 2013 Volume License Pack"
 * @param hostActivationId the activation id of the host SKU the pack installs ({@code slmgr /dlv <id>})
 * @param hostOperatingSystems the Windows versions the pack installs on, as Microsoft lists them (may be empty)
 */
public record LicensePack(String name, UUID hostActivationId, List<String> hostOperatingSystems) {
    public LicensePack {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hostActivationId, "hostActivationId");
        hostOperatingSystems = List.copyOf(hostOperatingSystems);
    }
}
