package org.kmsagent.agent.plugin;

import java.util.List;
import java.util.Optional;

/**
 * Where an edition typed by name ({@code kms-agent gvlk}, a scenario's {@code edition:}) is found among the loaded
 * families; the names suggested for one that is not found are {@code ClosestNames}'.
 *
 * <p>Stateless and thread-safe.
 */
public final class EditionNames {
    private EditionNames() {}

    /** The loaded family whose catalog holds an edition of exactly that name (ignoring case), if one does. */
    public static Optional<LoadedFamily> familyOf(String edition, List<LoadedFamily> families) {
        return families.stream()
                .filter(f -> f.catalog().byName(edition).isPresent())
                .findFirst();
    }
}
