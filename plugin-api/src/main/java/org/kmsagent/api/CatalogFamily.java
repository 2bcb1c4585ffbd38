package org.kmsagent.api;

import java.net.URL;
import java.util.Objects;

/**
 * The base of a product family that is its id plus its data: everything else (display name, application id, the
 * licensing service per Windows version, editions and GVLKs, host keys, license pack) is in {@code catalog.json}
 * beside the subclass, in the subclass's package. A bundled family is then a few lines:
 *
 * <pre>{@code
 * @Extension
 * public final class Office2013Family extends CatalogFamily {
 *   public Office2013Family() {
 *     super("office2013");
 *   }
 * }
 * }</pre>
 *
 * <p>The id is given once, here; the build checks that it equals the plugin's folder and its {@code plugin.id}.
 * The count pool is not the plugin's to choose: the core derives it from the catalog's application id, so families
 * sharing an application id share a pool, as a KMS host counts them (docs/kms-rules.md §1.4).
 */
public abstract class CatalogFamily implements ProductFamily {
    private final String id;

    /** @param id the family's kebab-case id, equal to the plugin id */
    protected CatalogFamily(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    @Override
    public final String id() {
        return id;
    }

    /** {@code catalog.json} in the subclass's package (inside the plugin jar). */
    @Override
    public URL catalogResource() {
        return getClass().getResource("catalog.json");
    }
}
