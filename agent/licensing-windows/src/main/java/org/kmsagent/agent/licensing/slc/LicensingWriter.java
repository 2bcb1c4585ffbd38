package org.kmsagent.agent.licensing.slc;

import java.util.UUID;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;

/**
 * The write path SLC does not offer publicly (docs/kms-rules.md §8.1, §8.6): installing a key so it becomes current,
 * setting the KMS host, port, lookup domain and host caching, activating, refreshing. On Windows it is
 * {@code licensing.wmi.WmiLicensingWriter} (WMI methods through COM); tests use a recording
 * fake.
 *
 * <p>Every method either succeeds or throws a {@link LicensingException} carrying the HRESULT the service gave
 * (an SPP method fails as a whole with the SL error, docs/kms-rules.md §8.5). Per-SKU methods act on one product, as
 * {@code slmgr /skms host:port <ActivationID>} does; the others on the service. Installing a key and changing
 * service settings need administrator rights (docs/kms-rules.md §8.6 pitfall 11).
 */
public interface LicensingWriter {

    /** {@code SoftwareLicensingService.InstallProductKey(ProductKey)}. */
    void installProductKey(LicensingService service, ProductKey key) throws LicensingException;

    /** {@code SoftwareLicensingProduct.SetKeyManagementServiceMachine(MachineName)}. */
    void setKmsMachine(LicensingService service, UUID skuId, String host) throws LicensingException;

    /** {@code SoftwareLicensingProduct.ClearKeyManagementServiceMachine()}. */
    void clearKmsMachine(LicensingService service, UUID skuId) throws LicensingException;

    /** {@code SoftwareLicensingProduct.SetKeyManagementServicePort(PortNumber)}. */
    void setKmsPort(LicensingService service, UUID skuId, int port) throws LicensingException;

    /** {@code SoftwareLicensingProduct.ClearKeyManagementServicePort()}. */
    void clearKmsPort(LicensingService service, UUID skuId) throws LicensingException;

    /** {@code SoftwareLicensingProduct.SetKeyManagementServiceLookupDomain(LookupDomain)} (Windows 8+). */
    void setKmsLookupDomain(LicensingService service, UUID skuId, String domain) throws LicensingException;

    /** {@code SoftwareLicensingProduct.ClearKeyManagementServiceLookupDomain()} (Windows 8+). */
    void clearKmsLookupDomain(LicensingService service, UUID skuId) throws LicensingException;

    /** {@code SoftwareLicensingService.DisableKeyManagementServiceHostCaching(!enabled)}. */
    void setKmsHostCaching(LicensingService service, boolean enabled) throws LicensingException;

    /** {@code SoftwareLicensingProduct.Activate()}; a refusal throws with the service's HRESULT. */
    void activate(LicensingService service, UUID skuId) throws LicensingException;

    /** {@code SoftwareLicensingService.RefreshLicenseStatus()}. */
    void refreshLicenseStatus(LicensingService service) throws LicensingException;
}
