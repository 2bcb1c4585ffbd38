package org.kmsagent.agent.licensing.slc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;

/**
 * A {@link LicensingWriter} that records each call as a line ({@code setKmsMachine SPP <sku> kms.example}) and
 * fails the calls a test scripts with {@link #failWith}. Keys are recorded masked, as they would be logged.
 */
public final class RecordingLicensingWriter implements LicensingWriter {
    private final List<String> calls = new ArrayList<>();
    private final Map<String, HResult> failures = new HashMap<>();

    /** The calls made so far, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** Makes the named method throw with {@code hr} from now on. */
    public RecordingLicensingWriter failWith(String method, HResult hr) {
        failures.put(method, hr);
        return this;
    }

    private void record(String method, Object... args) throws LicensingException {
        StringBuilder line = new StringBuilder(method);
        for (Object a : args) {
            line.append(' ').append(a);
        }
        calls.add(line.toString());
        HResult hr = failures.get(method);
        if (hr != null) {
            throw new LicensingException(hr, "WMI " + method + " (recorded)");
        }
    }

    @Override
    public void installProductKey(LicensingService service, ProductKey key) throws LicensingException {
        record("installProductKey", service, key);
    }

    @Override
    public void setKmsMachine(LicensingService service, UUID skuId, String host) throws LicensingException {
        record("setKmsMachine", service, skuId, host);
    }

    @Override
    public void clearKmsMachine(LicensingService service, UUID skuId) throws LicensingException {
        record("clearKmsMachine", service, skuId);
    }

    @Override
    public void setKmsPort(LicensingService service, UUID skuId, int port) throws LicensingException {
        record("setKmsPort", service, skuId, port);
    }

    @Override
    public void clearKmsPort(LicensingService service, UUID skuId) throws LicensingException {
        record("clearKmsPort", service, skuId);
    }

    @Override
    public void setKmsLookupDomain(LicensingService service, UUID skuId, String domain) throws LicensingException {
        record("setKmsLookupDomain", service, skuId, domain);
    }

    @Override
    public void clearKmsLookupDomain(LicensingService service, UUID skuId) throws LicensingException {
        record("clearKmsLookupDomain", service, skuId);
    }

    @Override
    public void setKmsHostCaching(LicensingService service, boolean enabled) throws LicensingException {
        record("setKmsHostCaching", service, enabled);
    }

    @Override
    public void activate(LicensingService service, UUID skuId) throws LicensingException {
        record("activate", service, skuId);
    }

    @Override
    public void refreshLicenseStatus(LicensingService service) throws LicensingException {
        record("refreshLicenseStatus", service);
    }
}
