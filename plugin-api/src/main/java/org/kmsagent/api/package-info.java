/**
 * The kms-agent plugin API: the one contract between the core and the product-family plugins.
 *
 * <p>A plugin contributes a {@link org.kmsagent.api.ProductFamily} extension. The core reads the family's
 * catalog document, validates it into a {@link org.kmsagent.api.SkuCatalog}, and drives the family's
 * {@link org.kmsagent.api.ActivationHandler} against a {@link org.kmsagent.api.LicensingStack} that the core
 * provides (Windows' SLC through JNA, or the simulated stack). A plugin never touches JNA, Vert.x or the simulator.
 *
 * <p>Everything here is an immutable value or an interface; the API has no dependency besides PF4J's
 * {@code ExtensionPoint}. See {@code docs/plugin-guide.md} for writing a plugin.
 */
package org.kmsagent.api;
