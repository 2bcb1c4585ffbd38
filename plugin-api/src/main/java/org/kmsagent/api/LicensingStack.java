package org.kmsagent.api;

import java.util.List;
import java.util.UUID;

/**
 * One machine's licensing service, as the core offers it to activation handlers: Windows' SLC and WMI
 * ({@code slc}) or the simulated model ({@code simulated}). Handlers never see which.
 *
 * <p>Threading: calls may block (native calls, a simulated network); the core calls handlers off the event loop.
 * An instance serves one machine and is not shared between threads without the core's own ordering.
 *
 * <p>Errors: an activation that Windows refuses is a result ({@link ActivationResult} with the code), not an
 * exception; a call that could not be made at all (access denied, unknown SKU, a malformed answer) throws
 * {@link LicensingException} with the HRESULT.
 */
public interface LicensingStack {

    /** {@code slc} or {@code simulated}. */
    String name();

    /** The machine's name as the KMS host would record it. */
    String machineName();

    /** The Windows version, which decides which service licenses Office (see {@link ActivationHandler}). */
    WindowsVersion windowsVersion();

    /** The products of an application for which the service holds a product key. */
    List<InstalledProduct> installedProducts(LicensingService service, UUID applicationId) throws LicensingException;

    /** The license state of one installed SKU. */
    LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException;

    /**
     * Installs a product key so that it becomes the current key of its SKU ({@code slmgr /ipk}); needs
     * administrator rights on Windows.
     */
    void installProductKey(LicensingService service, ProductKey key) throws LicensingException;

    /** Points one SKU at a KMS host, or back at DNS discovery ({@code slmgr /skms}, {@code /ckms}). */
    void setKmsEndpoint(LicensingService service, UUID skuId, KmsEndpoint endpoint) throws LicensingException;

    /**
     * Activates (or, for a KMS-activated product, renews) one SKU now ({@code slmgr /ato}). A refusal is returned
     * as a result carrying its HRESULT.
     */
    ActivationResult activate(LicensingService service, UUID skuId) throws LicensingException;
}
