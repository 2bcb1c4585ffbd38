package org.kmsagent.agent.licensing.wmi;

import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.COM.COMException;
import com.sun.jna.platform.win32.COM.Wbemcli;
import com.sun.jna.platform.win32.COM.WbemcliUtil;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.OleAuto;
import com.sun.jna.platform.win32.Variant;
import com.sun.jna.platform.win32.WTypes;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.PointerByReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.kmsagent.agent.licensing.slc.LicensingWriter;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;

/**
 * The write path on Windows: WMI methods of {@code SoftwareLicensingService} / {@code SoftwareLicensingProduct}
 * (or OSPP's {@code OfficeSoftwareProtectionService} / {@code ...Product}) in {@code root\cimv2}, called
 * in-process through COM with {@code IWbemServices::ExecMethod} (docs/kms-rules.md §8.1, §8.5). Never slmgr.vbs, never its
 * localised text.
 *
 * <p>An SPP method fails as a whole with the SL HRESULT as the call's error (docs/kms-rules.md §8.5): that code is what
 * the {@link LicensingException} carries. Each call initialises COM on the calling thread (multi-threaded
 * apartment), connects, calls and releases everything before returning; calls block and run off the event loop.
 *
 * <p>Not verifiable on Linux: this class compiles everywhere and refuses to run off Windows. Its callers are
 * tested through {@link LicensingWriter} with a recording fake.
 */
public final class WmiLicensingWriter implements LicensingWriter {
    private static final String NAMESPACE = "ROOT\\CIMV2";

    /** A writer; construction checks the platform so that a misconfiguration fails at start, not at first write. */
    public WmiLicensingWriter() {
        if (!Platform.isWindows()) {
            throw new IllegalStateException("the WMI licensing writer runs only on Windows (this is "
                    + System.getProperty("os.name") + "); use --licensing simulated");
        }
    }

    static String serviceClass(LicensingService service) {
        return service == LicensingService.SPP ? "SoftwareLicensingService" : "OfficeSoftwareProtectionService";
    }

    static String productClass(LicensingService service) {
        return service == LicensingService.SPP ? "SoftwareLicensingProduct" : "OfficeSoftwareProtectionProduct";
    }

    @Override
    public void installProductKey(LicensingService service, ProductKey key) throws LicensingException {
        onService(service, "InstallProductKey", args("ProductKey", key.value()));
    }

    @Override
    public void setKmsMachine(LicensingService service, UUID skuId, String host) throws LicensingException {
        onProduct(service, skuId, "SetKeyManagementServiceMachine", args("MachineName", host));
    }

    @Override
    public void clearKmsMachine(LicensingService service, UUID skuId) throws LicensingException {
        onProduct(service, skuId, "ClearKeyManagementServiceMachine", Map.of());
    }

    @Override
    public void setKmsPort(LicensingService service, UUID skuId, int port) throws LicensingException {
        onProduct(service, skuId, "SetKeyManagementServicePort", args("PortNumber", port));
    }

    @Override
    public void clearKmsPort(LicensingService service, UUID skuId) throws LicensingException {
        onProduct(service, skuId, "ClearKeyManagementServicePort", Map.of());
    }

    @Override
    public void setKmsLookupDomain(LicensingService service, UUID skuId, String domain) throws LicensingException {
        onProduct(service, skuId, "SetKeyManagementServiceLookupDomain", args("LookupDomain", domain));
    }

    @Override
    public void clearKmsLookupDomain(LicensingService service, UUID skuId) throws LicensingException {
        onProduct(service, skuId, "ClearKeyManagementServiceLookupDomain", Map.of());
    }

    @Override
    public void setKmsHostCaching(LicensingService service, boolean enabled) throws LicensingException {
        onService(service, "DisableKeyManagementServiceHostCaching", args("DisableCaching", !enabled));
    }

    @Override
    public void activate(LicensingService service, UUID skuId) throws LicensingException {
        onProduct(service, skuId, "Activate", Map.of());
    }

    @Override
    public void refreshLicenseStatus(LicensingService service) throws LicensingException {
        onService(service, "RefreshLicenseStatus", Map.of());
    }

    private static Map<String, Object> args(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(name, value);
        return m;
    }

    private void onService(LicensingService service, String method, Map<String, Object> in) throws LicensingException {
        String cls = serviceClass(service);
        withWmi(cls + "." + method, svc -> {
            exec(svc, cls, pathOf(svc, "SELECT Version FROM " + cls, cls), method, in);
            return null;
        });
    }

    private void onProduct(LicensingService service, UUID skuId, String method, Map<String, Object> in)
            throws LicensingException {
        String cls = productClass(service);
        // A UUID's text has no quote characters, so it is safe inside the WQL literal.
        String query = "SELECT ID FROM " + cls + " WHERE ID='" + skuId + "'";
        withWmi(cls + "." + method + " on " + skuId, svc -> {
            exec(svc, cls, pathOf(svc, query, cls + " " + skuId), method, in);
            return null;
        });
    }

    @FunctionalInterface
    private interface WmiBody<T> {
        T run(Wbemcli.IWbemServices svc) throws LicensingException;
    }

    private static <T> T withWmi(String what, WmiBody<T> body) throws LicensingException {
        WinNT.HRESULT init = Ole32.INSTANCE.CoInitializeEx(Pointer.NULL, Ole32.COINIT_MULTITHREADED);
        boolean uninit = init.intValue() == WinError.S_OK.intValue() || init.intValue() == WinError.S_FALSE.intValue();
        try {
            Wbemcli.IWbemServices svc = WbemcliUtil.connectServer(NAMESPACE);
            try {
                return body.run(svc);
            } finally {
                svc.Release();
            }
        } catch (COMException e) {
            int code = e.getHresult() == null
                    ? HResult.E_INVALIDARG.code()
                    : e.getHresult().intValue();
            throw new LicensingException(HResult.of(code), "WMI " + what, e);
        } finally {
            if (uninit) {
                Ole32.INSTANCE.CoUninitialize();
            }
        }
    }

    /** The {@code __PATH} of the first object a query returns. */
    private static String pathOf(Wbemcli.IWbemServices svc, String query, String what) throws LicensingException {
        Wbemcli.IEnumWbemClassObject found = svc.ExecQuery(
                "WQL", query, Wbemcli.WBEM_FLAG_FORWARD_ONLY | Wbemcli.WBEM_FLAG_RETURN_IMMEDIATELY, null);
        try {
            Wbemcli.IWbemClassObject[] objects = found.Next(Wbemcli.WBEM_INFINITE, 1);
            if (objects.length == 0) {
                throw new LicensingException(HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED, "WMI found no " + what);
            }
            try {
                Variant.VARIANT.ByReference path = new Variant.VARIANT.ByReference();
                WinNT.HRESULT hr = objects[0].Get("__PATH", 0, path, null, null);
                if (hr.intValue() < 0) {
                    throw new LicensingException(HResult.of(hr.intValue()), "WMI __PATH of " + what);
                }
                try {
                    return path.stringValue();
                } finally {
                    OleAuto.INSTANCE.VariantClear(path);
                }
            } finally {
                for (Wbemcli.IWbemClassObject o : objects) {
                    o.Release();
                }
            }
        } finally {
            found.Release();
        }
    }

    /** {@code IWbemServices::ExecMethod} with the method's input parameters filled from {@code in}. */
    private static void exec(
            Wbemcli.IWbemServices svc, String cls, String objectPath, String method, Map<String, Object> in)
            throws LicensingException {
        Wbemcli.IWbemClassObject classObject = svc.GetObject(cls, 0, null);
        Wbemcli.IWbemClassObject inParams = null;
        try {
            if (!in.isEmpty()) {
                PointerByReference inSig = new PointerByReference();
                PointerByReference outSig = new PointerByReference();
                WinNT.HRESULT hr = classObject.GetMethod(method, 0, inSig, outSig);
                if (hr.intValue() < 0 || inSig.getValue() == null) {
                    throw new LicensingException(HResult.of(hr.intValue()), "WMI " + cls + "." + method + " signature");
                }
                Wbemcli.IWbemClassObject signature = new Wbemcli.IWbemClassObject(inSig.getValue());
                try {
                    inParams = signature.SpawnInstance();
                } finally {
                    signature.Release();
                    if (outSig.getValue() != null) {
                        new Wbemcli.IWbemClassObject(outSig.getValue()).Release();
                    }
                }
                for (Map.Entry<String, Object> arg : in.entrySet()) {
                    Variant.VARIANT v = variant(arg.getValue());
                    try {
                        WinNT.HRESULT put = inParams.Put(arg.getKey(), 0, v, 0);
                        if (put.intValue() < 0) {
                            throw new LicensingException(
                                    HResult.of(put.intValue()),
                                    "WMI " + cls + "." + method + " parameter " + arg.getKey());
                        }
                    } finally {
                        OleAuto.INSTANCE.VariantClear(v);
                    }
                }
            }
            WTypes.BSTR path = OleAuto.INSTANCE.SysAllocString(objectPath);
            WTypes.BSTR name = OleAuto.INSTANCE.SysAllocString(method);
            PointerByReference out = new PointerByReference();
            try {
                WinNT.HRESULT hr =
                        svc.ExecMethod(path, name, 0, null, inParams == null ? null : inParams.getPointer(), out, null);
                if (hr.intValue() < 0) {
                    // The SL error itself, e.g. 0xC004F074 from Activate (docs/kms-rules.md §8.5).
                    throw new LicensingException(HResult.of(hr.intValue()), "WMI " + cls + "." + method);
                }
            } finally {
                OleAuto.INSTANCE.SysFreeString(path);
                OleAuto.INSTANCE.SysFreeString(name);
                if (out.getValue() != null) {
                    new Wbemcli.IWbemClassObject(out.getValue()).Release();
                }
            }
        } finally {
            if (inParams != null) {
                inParams.Release();
            }
            classObject.Release();
        }
    }

    private static Variant.VARIANT variant(Object value) {
        if (value instanceof String s) {
            return new Variant.VARIANT(s);
        }
        if (value instanceof Integer i) {
            return new Variant.VARIANT(i.intValue());
        }
        if (value instanceof Boolean b) {
            return new Variant.VARIANT(b.booleanValue());
        }
        throw new IllegalArgumentException("no VARIANT for " + value.getClass());
    }
}
