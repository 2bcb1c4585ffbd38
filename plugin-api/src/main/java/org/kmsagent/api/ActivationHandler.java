package org.kmsagent.api;

import java.util.List;

/**
 * What the renewal loop calls to bring a family's installed product to licensed and keep it there.
 *
 * <p>The default methods implement the KMS client flow that every Microsoft volume product follows (find the
 * installed SKU in the catalog, install its GVLK, point at a host or DNS, activate, renew, read status); a family
 * overrides only what differs, which for Microsoft's products so far is nothing ({@link #STANDARD}).
 *
 * <p>Handlers are stateless: one instance serves every machine, and the {@link LicensingStack} passed in is the
 * machine. Calls may block and are made off the event loop. Exceptions other than {@link LicensingException} are
 * caught by the core, recorded against the plugin, and do not stop the loop for other families.
 */
public interface ActivationHandler {

    /** The standard KMS client flow, which every bundled family uses. */
    ActivationHandler STANDARD = new ActivationHandler() {};

    /** Which service holds this family's licenses on the given Windows version: the catalog's declaration. */
    default LicensingService licensingService(SkuCatalog catalog, WindowsVersion windows) {
        return catalog.licensingServices().on(windows);
    }

    /**
     * The family's products installed on the machine: SKUs of the family's application that hold a key and are
     * editions of this catalog (another family may share the application id, as Windows client and server do).
     */
    default List<InstalledProduct> findInstalled(LicensingStack stack, SkuCatalog catalog) throws LicensingException {
        LicensingService service = licensingService(catalog, stack.windowsVersion());
        return stack.installedProducts(service, catalog.applicationId()).stream()
                .filter(p -> catalog.bySkuId(p.skuId()).isPresent())
                .toList();
    }

    /**
     * Installs the catalog's GVLK for the installed edition, unless that key is already installed.
     *
     * @return whether a key was installed
     * @throws LicensingException {@code SL_E_SKU_NOT_FOUND} when the installed edition has no catalog entry
     */
    default boolean installGvlk(LicensingStack stack, InstalledProduct product, SkuCatalog catalog)
            throws LicensingException {
        Sku sku = catalog.bySkuId(product.skuId())
                .orElseThrow(() -> new LicensingException(
                        HResult.SL_E_SKU_NOT_FOUND,
                        "no GVLK in the " + catalog.familyId() + " catalog for " + product.name()));
        if (product.channel() == KeyChannel.VOLUME_GVLK
                && product.partialProductKey()
                        .filter(sku.gvlk().lastFive()::equals)
                        .isPresent()) {
            return false;
        }
        installKey(stack, product, sku.gvlk());
        return true;
    }

    /** Installs a given key (a MAK, or a GVLK an administrator chose) for the product. */
    default void installKey(LicensingStack stack, InstalledProduct product, ProductKey key) throws LicensingException {
        stack.installProductKey(product.service(), key);
    }

    /** Points the product at a KMS host, or at DNS discovery. */
    default void pointAt(LicensingStack stack, InstalledProduct product, KmsEndpoint endpoint)
            throws LicensingException {
        stack.setKmsEndpoint(product.service(), product.skuId(), endpoint);
    }

    /** Activates the product now. */
    default ActivationResult activate(LicensingStack stack, InstalledProduct product) throws LicensingException {
        return stack.activate(product.service(), product.skuId());
    }

    /** Renews a KMS activation; for KMS clients this is the same request as activating (docs/kms-rules.md §2.3). */
    default ActivationResult renew(LicensingStack stack, InstalledProduct product) throws LicensingException {
        return activate(stack, product);
    }

    /** Reads the product's license state. */
    default LicenseState status(LicensingStack stack, InstalledProduct product) throws LicensingException {
        return stack.licenseState(product.service(), product.skuId());
    }
}
