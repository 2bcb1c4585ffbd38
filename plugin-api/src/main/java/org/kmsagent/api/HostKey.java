package org.kmsagent.api;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A kind of KMS host key (CSVLK) and the product groups it activates. Newer host keys also activate older
 * products (docs/kms-rules.md §3.1, §3.2): a host refuses a request whose product group none of its keys activates,
 * with {@code 0xC004F042}.
 *
 * @param name a name for people and for configuration, unique across loaded plugins, e.g.
 *     "Windows Server 2022"
 * @param activates the KMS ids of the product groups this key activates
 * @param licensePack the license pack a host must hold before this key can be installed (Office), if any
 * @param generation orders keys of one count pool from oldest to newest; a higher number is a newer key
 */
public record HostKey(String name, Set<UUID> activates, Optional<String> licensePack, int generation) {
    public HostKey {
        Objects.requireNonNull(name, "name");
        activates = Set.copyOf(activates);
        Objects.requireNonNull(licensePack, "licensePack");
    }

    /** Whether a host holding this key serves requests of that product group. */
    public boolean activates(ProductGroup group) {
        return activates.contains(group.kmsId());
    }
}
