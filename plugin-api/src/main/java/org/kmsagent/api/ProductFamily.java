package org.kmsagent.api;

import java.net.URL;
import org.pf4j.ExtensionPoint;

/**
 * A product family that kms-agent keeps activated: Windows client, Windows Server, Office 2010, ...
 *
 * <p>A family is its id plus its catalog; extend {@link CatalogFamily} rather than implementing this directly. One
 * plugin contributes one family. The core calls these methods when the plugin is loaded, from a thread that is not
 * an event loop; implementations must be cheap and must not block. An exception thrown here marks the plugin failed
 * (with the cause reported) and the core carries on with the other plugins.
 */
public interface ProductFamily extends ExtensionPoint {

    /**
     * The stable, kebab-case family id ({@code windows-client}, {@code office2013}). It names the plugin, its
     * configuration section, its log label, its event-bus address segment and the {@code --family} value; it
     * never changes once published.
     */
    String id();

    /**
     * The family's catalog document: JSON in the format of {@code docs/plugin-guide.md}, usually a resource inside
     * the plugin jar. The core reads it with its own JSON mapper and validates it into a {@link SkuCatalog}; an
     * invalid catalog fails the plugin with a message naming the field.
     */
    URL catalogResource();

    /**
     * The handler the renewal loop calls to bring this family's installed product to licensed and keep it there.
     * Every Microsoft volume product follows the standard KMS client flow; a family overrides this only when its
     * products behave differently.
     */
    default ActivationHandler activationHandler() {
        return ActivationHandler.STANDARD;
    }
}
