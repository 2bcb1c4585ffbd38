package org.kmsagent.agent.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.WindowsVersion;

/**
 * A product family the core has loaded and validated: the plugin's extension, its catalog, and where it came from.
 *
 * <p>The core never calls the extension or its handler directly: {@link #call(PluginCall)} switches the thread's
 * context class loader to the plugin's and turns anything the plugin throws (a {@link LinkageError} included) into
 * a {@link PluginFailure} naming the family, so one faulty plugin cannot stop the others.
 *
 * @param extension the plugin's {@link ProductFamily}
 * @param catalog its validated catalog
 * @param productGroups every product group its catalog declares, those no edition uses included (the registry
 *     checks each against the other families': one name, one KMS id)
 * @param displayName the family's display name, read once at load
 * @param applicationId the licensing application id, read once at load
 * @param countPool the count pool, derived from the application id
 * @param pluginId the PF4J plugin id (equal to the family id)
 * @param pluginVersion the plugin's version
 * @param source the jar it was loaded from, if it came from one (tests may build families in code)
 */
public record LoadedFamily(
        ProductFamily extension,
        SkuCatalog catalog,
        List<ProductGroup> productGroups,
        String displayName,
        UUID applicationId,
        CountPool countPool,
        String pluginId,
        String pluginVersion,
        Optional<Path> source) {

    public LoadedFamily {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(catalog, "catalog");
        productGroups = List.copyOf(productGroups);
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(countPool, "countPool");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(pluginVersion, "pluginVersion");
        Objects.requireNonNull(source, "source");
    }

    /**
     * A loaded family whose display name and application id come from its catalog and whose count pool follows
     * from the application id ({@link CountPools}): no plugin chooses its pool.
     */
    public static LoadedFamily of(
            ProductFamily extension,
            SkuCatalog catalog,
            List<ProductGroup> productGroups,
            String pluginId,
            String pluginVersion,
            Optional<Path> source) {
        return new LoadedFamily(
                extension,
                catalog,
                productGroups,
                catalog.displayName(),
                catalog.applicationId(),
                CountPools.forApplication(catalog.applicationId()),
                pluginId,
                pluginVersion,
                source);
    }

    /** As above, for a family built in code: it declares the product groups its editions use, no others. */
    public static LoadedFamily of(
            ProductFamily extension, SkuCatalog catalog, String pluginId, String pluginVersion, Optional<Path> source) {
        List<ProductGroup> used =
                catalog.skus().stream().map(Sku::group).distinct().toList();
        return of(extension, catalog, used, pluginId, pluginVersion, source);
    }

    /** Which licensing service holds this family's licenses on that Windows version (the handler may override). */
    public LicensingService licensingService(WindowsVersion windows) throws LicensingException {
        return call((f, h) -> h.licensingService(catalog, windows));
    }

    /** The family's products installed on the machine behind {@code stack}. */
    public List<InstalledProduct> findInstalled(LicensingStack stack) throws LicensingException {
        return answered(call((f, h) -> h.findInstalled(stack, catalog)), "findInstalled");
    }

    /** The product's license state, as the family's handler reads it. */
    public LicenseState status(LicensingStack stack, InstalledProduct product) throws LicensingException {
        return answered(call((f, h) -> h.status(stack, product)), "status");
    }

    /**
     * A plugin's answer, which the API says is never null: a null fails as a plugin that threw, so the caller retries
     * and says which plugin, where a null taken as an answer stopped a renewal loop for good.
     */
    private <T> T answered(T answer, String method) {
        if (answer == null) {
            throw new PluginFailure(id(), new IllegalStateException(method + "() answered null"));
        }
        return answer;
    }

    /** The family id, cached at load time (calling the plugin again is not needed). */
    public String id() {
        return catalog.familyId();
    }

    /** A call into plugin code. */
    @FunctionalInterface
    public interface PluginCall<T> {
        T call(ProductFamily family, ActivationHandler handler) throws Exception;
    }

    /**
     * Runs plugin code with the plugin's class loader as context class loader; a {@link org.kmsagent.api
     * .LicensingException} passes through unchanged, anything else becomes a {@link PluginFailure}.
     */
    public <T> T call(PluginCall<T> body) throws LicensingException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(extension.getClass().getClassLoader());
        try {
            return body.call(extension, extension.activationHandler());
        } catch (LicensingException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw new PluginFailure(id(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
