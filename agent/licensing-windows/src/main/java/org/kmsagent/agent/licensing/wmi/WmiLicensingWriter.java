package org.kmsagent.agent.licensing.wmi;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.kmsagent.agent.licensing.slc.LicensingWriter;
import org.kmsagent.agent.licensing.slc.NativeGuids;
import org.kmsagent.agent.licensing.win32.Utf16;
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
 * <p>COM is called through the project's own small mapping ({@link Ole32Library}, {@link OleAut32Library},
 * {@link ComObject}'s vtable slots), not jna-platform's. On Linux the same code runs against a native double of those
 * exports and objects ({@code WmiLicensingWriterTest}); the public constructor refuses to run off Windows. Its
 * callers are tested through {@link LicensingWriter} with a recording fake.
 */
public final class WmiLicensingWriter implements LicensingWriter {
    private static final String NAMESPACE = "ROOT\\CIMV2";

    /** {@code CLSID_WbemLocator} and {@code IID_IWbemLocator} (wbemcli.h). */
    private static final UUID CLSID_WBEM_LOCATOR = UUID.fromString("4590f811-1d3a-11d0-891f-00aa004b2e24");

    private static final UUID IID_IWBEM_LOCATOR = UUID.fromString("dc12a687-737f-11cf-884d-00aa004b2e24");

    // vtable slots (wbemcli.idl; IUnknown's QueryInterface, AddRef and Release are 0-2).
    private static final int LOCATOR_CONNECT_SERVER = 3;
    private static final int SERVICES_GET_OBJECT = 6;
    private static final int SERVICES_EXEC_QUERY = 20;
    private static final int SERVICES_EXEC_METHOD = 24;
    private static final int ENUM_NEXT = 4;
    private static final int OBJECT_GET = 4;
    private static final int OBJECT_PUT = 5;
    private static final int OBJECT_SPAWN_INSTANCE = 15;
    private static final int OBJECT_GET_METHOD = 19;

    private static final int WBEM_FLAG_RETURN_IMMEDIATELY = 0x10;
    private static final int WBEM_FLAG_FORWARD_ONLY = 0x20;
    private static final int WBEM_INFINITE = 0xFFFF_FFFF;

    // VARIANT: a 2-byte type, 6 reserved bytes, then the value at offset 8; 24 bytes on x64 (16 on x86).
    private static final int VARIANT_SIZE = 24;
    private static final int VARIANT_VALUE = 8;
    private static final short VT_I4 = 3;
    private static final short VT_BSTR = 8;
    private static final short VT_BOOL = 11;

    private final Ole32Library ole32;
    private final OleAut32Library oleAut32;

    /** A writer; construction checks the platform so that a misconfiguration fails at start, not at first write. */
    public WmiLicensingWriter() {
        this(checkWindows(), "oleaut32");
    }

    /** A writer over the named libraries' exports: Windows' {@code ole32} and {@code oleaut32}, or a test double. */
    WmiLicensingWriter(String ole32, String oleAut32) {
        this.ole32 = Native.load(ole32, Ole32Library.class);
        this.oleAut32 = Native.load(oleAut32, OleAut32Library.class);
    }

    private static String checkWindows() {
        if (!Platform.isWindows()) {
            // Said to an administrator, who chose 'slc' by one of two spellings: name both, no class names.
            throw new IllegalStateException("the Windows licensing service (slc) exists only on Windows (this is "
                    + System.getProperty("os.name") + "); on this machine use the simulated stack: licensing: "
                    + "simulated in the configuration, --set licensing=simulated for run, --licensing simulated for "
                    + "status and doctor");
        }
        if (!Platform.is64Bit()) {
            // The bindings assume x64's one calling convention and its VARIANT size (windows.md); a 32-bit JVM would
            // make stdcall COM calls as cdecl and misread every VARIANT.
            throw new IllegalStateException("the Windows licensing service (slc) needs a 64-bit Java; "
                    + System.getProperty("java.home") + " is a 32-bit one: install a 64-bit Java 17 or later and set"
                    + " JAVA_HOME to it");
        }
        return "ole32";
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
        T run(ComObject svc) throws LicensingException;
    }

    private <T> T withWmi(String what, WmiBody<T> body) throws LicensingException {
        int init = ole32.CoInitializeEx(Pointer.NULL, Ole32Library.COINIT_MULTITHREADED);
        boolean uninit = init == 0 || init == 1; // S_OK or S_FALSE: this call initialised COM, or counted once more
        try (ComObject svc = connect(what)) {
            return body.run(svc);
        } finally {
            if (uninit) {
                ole32.CoUninitialize();
            }
        }
    }

    /** {@code WbemLocator} → {@code ConnectServer(ROOT\CIMV2)} → the proxy blanket WMI needs to impersonate. */
    private ComObject connect(String what) throws LicensingException {
        PointerByReference out = new PointerByReference();
        check(
                ole32.CoCreateInstance(
                        NativeGuids.toGuid(CLSID_WBEM_LOCATOR),
                        Pointer.NULL,
                        Ole32Library.CLSCTX_INPROC_SERVER,
                        NativeGuids.toGuid(IID_IWBEM_LOCATOR),
                        out),
                "WMI " + what + ": WbemLocator");
        try (ComObject locator = new ComObject(out.getValue())) {
            Pointer namespace = bstr(NAMESPACE);
            PointerByReference services = new PointerByReference();
            try {
                check(
                        locator.call(
                                LOCATOR_CONNECT_SERVER,
                                namespace,
                                Pointer.NULL,
                                Pointer.NULL,
                                Pointer.NULL,
                                0,
                                Pointer.NULL,
                                Pointer.NULL,
                                services),
                        "WMI " + what + ": ConnectServer " + NAMESPACE);
            } finally {
                oleAut32.SysFreeString(namespace);
            }
            ComObject svc = new ComObject(services.getValue());
            int hr = ole32.CoSetProxyBlanket(
                    svc.pointer(),
                    Ole32Library.RPC_C_AUTHN_WINNT,
                    Ole32Library.RPC_C_AUTHZ_NONE,
                    Pointer.NULL,
                    Ole32Library.RPC_C_AUTHN_LEVEL_CALL,
                    Ole32Library.RPC_C_IMP_LEVEL_IMPERSONATE,
                    Pointer.NULL,
                    Ole32Library.EOAC_NONE);
            if (hr < 0) {
                svc.close();
                throw new LicensingException(HResult.of(hr), "WMI " + what + ": CoSetProxyBlanket");
            }
            return svc;
        }
    }

    /** The {@code __PATH} of the first object a query returns. */
    private String pathOf(ComObject svc, String query, String what) throws LicensingException {
        Pointer language = bstr("WQL");
        Pointer text = bstr(query);
        PointerByReference found = new PointerByReference();
        try {
            check(
                    svc.call(
                            SERVICES_EXEC_QUERY,
                            language,
                            text,
                            WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY,
                            Pointer.NULL,
                            found),
                    "WMI query for " + what);
        } finally {
            oleAut32.SysFreeString(language);
            oleAut32.SysFreeString(text);
        }
        try (ComObject results = new ComObject(found.getValue())) {
            PointerByReference first = new PointerByReference();
            IntByReference returned = new IntByReference();
            check(results.call(ENUM_NEXT, WBEM_INFINITE, 1, first, returned), "WMI results for " + what);
            if (returned.getValue() == 0 || first.getValue() == null) {
                throw new LicensingException(HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED, "WMI found no " + what);
            }
            try (ComObject object = new ComObject(first.getValue())) {
                Memory path = variant();
                check(
                        object.call(OBJECT_GET, Utf16.of("__PATH"), 0, path, Pointer.NULL, Pointer.NULL),
                        "WMI __PATH of " + what);
                try {
                    if (path.getShort(0) != VT_BSTR || path.getPointer(VARIANT_VALUE) == null) {
                        throw new LicensingException(
                                HResult.E_INVALIDARG, "WMI __PATH of " + what + " is not a string");
                    }
                    return fromBstr(path.getPointer(VARIANT_VALUE));
                } finally {
                    oleAut32.VariantClear(path);
                }
            }
        }
    }

    /** {@code IWbemServices::ExecMethod} with the method's input parameters filled from {@code in}. */
    private void exec(ComObject svc, String cls, String objectPath, String method, Map<String, Object> in)
            throws LicensingException {
        Pointer className = bstr(cls);
        PointerByReference classOut = new PointerByReference();
        try {
            check(
                    svc.call(SERVICES_GET_OBJECT, className, 0, Pointer.NULL, classOut, Pointer.NULL),
                    "WMI class " + cls);
        } finally {
            oleAut32.SysFreeString(className);
        }
        try (ComObject classObject = new ComObject(classOut.getValue())) {
            ComObject inParams = in.isEmpty() ? null : inParameters(classObject, cls, method, in);
            Pointer path = bstr(objectPath);
            Pointer name = bstr(method);
            PointerByReference out = new PointerByReference();
            try {
                int hr = svc.call(
                        SERVICES_EXEC_METHOD,
                        path,
                        name,
                        0,
                        Pointer.NULL,
                        inParams == null ? Pointer.NULL : inParams.pointer(),
                        out,
                        Pointer.NULL);
                if (hr < 0) {
                    // The SL error itself, e.g. 0xC004F074 from Activate (docs/kms-rules.md §8.5).
                    throw new LicensingException(HResult.of(hr), "WMI " + cls + "." + method);
                }
            } finally {
                oleAut32.SysFreeString(path);
                oleAut32.SysFreeString(name);
                if (out.getValue() != null) {
                    new ComObject(out.getValue()).close();
                }
                if (inParams != null) {
                    inParams.close();
                }
            }
        }
    }

    /** An instance of the method's input signature with each argument put in. */
    private ComObject inParameters(ComObject classObject, String cls, String method, Map<String, Object> in)
            throws LicensingException {
        PointerByReference inSig = new PointerByReference();
        PointerByReference outSig = new PointerByReference();
        int hr = classObject.call(OBJECT_GET_METHOD, Utf16.of(method), 0, inSig, outSig);
        if (outSig.getValue() != null) {
            new ComObject(outSig.getValue()).close();
        }
        if (hr < 0 || inSig.getValue() == null) {
            if (inSig.getValue() != null) {
                new ComObject(inSig.getValue()).close();
            }
            throw new LicensingException(HResult.of(hr), "WMI " + cls + "." + method + " signature");
        }
        PointerByReference instance = new PointerByReference();
        try (ComObject signature = new ComObject(inSig.getValue())) {
            check(signature.call(OBJECT_SPAWN_INSTANCE, 0, instance), "WMI " + cls + "." + method + " parameters");
        }
        ComObject inParams = new ComObject(instance.getValue());
        try {
            for (Map.Entry<String, Object> arg : in.entrySet()) {
                Memory v = variant(arg.getValue());
                try {
                    check(
                            inParams.call(OBJECT_PUT, Utf16.of(arg.getKey()), 0, v, 0),
                            "WMI " + cls + "." + method + " parameter " + arg.getKey());
                } finally {
                    oleAut32.VariantClear(v);
                }
            }
            return inParams;
        } catch (LicensingException | RuntimeException e) {
            inParams.close();
            throw e;
        }
    }

    private static void check(int hr, String what) throws LicensingException {
        if (hr < 0) {
            throw new LicensingException(HResult.of(hr), what);
        }
    }

    /** A {@code BSTR} copy of {@code s}, to be freed with {@code SysFreeString}. */
    private Pointer bstr(String s) {
        return Objects.requireNonNull(oleAut32.SysAllocString(Utf16.of(s)), "SysAllocString: out of memory");
    }

    /** The text of a {@code BSTR}: its length prefix counts bytes, and it is UTF-16LE on every platform here. */
    private static String fromBstr(Pointer bstr) {
        int bytes = bstr.getInt(-4);
        return new String(bstr.getByteArray(0, bytes), StandardCharsets.UTF_16LE);
    }

    /** An empty {@code VARIANT} ({@code VT_EMPTY}) for an out parameter. */
    private static Memory variant() {
        Memory m = new Memory(VARIANT_SIZE);
        m.clear();
        return m;
    }

    /** A {@code VARIANT} holding {@code value}: a string as {@code VT_BSTR}, an int as {@code VT_I4}, a boolean as
     * {@code VT_BOOL} ({@code VARIANT_TRUE} is -1). Freed with {@code VariantClear}. */
    private Memory variant(Object value) {
        Memory m = variant();
        if (value instanceof String s) {
            m.setShort(0, VT_BSTR);
            m.setPointer(VARIANT_VALUE, bstr(s));
        } else if (value instanceof Integer i) {
            m.setShort(0, VT_I4);
            m.setInt(VARIANT_VALUE, i);
        } else if (value instanceof Boolean b) {
            m.setShort(0, VT_BOOL);
            m.setShort(VARIANT_VALUE, (short) (b ? -1 : 0));
        } else {
            throw new IllegalArgumentException("no VARIANT for " + value.getClass());
        }
        return m;
    }
}
