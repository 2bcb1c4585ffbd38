package org.kmsagent.agent.licensing.wmi;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.kmsagent.agent.licensing.slc.NativeGuid;

/**
 * The COM calls of {@code ole32.dll} the WMI writer makes, as Windows exports them; every one returns its HRESULT.
 * The project's own mapping (not jna-platform's): strings do not cross here, and a 64-bit JVM has one calling
 * convention. Tests load a double of the same exports.
 */
public interface Ole32Library extends Library {
    int COINIT_MULTITHREADED = 0x0;
    int CLSCTX_INPROC_SERVER = 0x1;
    int RPC_C_AUTHN_WINNT = 10;
    int RPC_C_AUTHZ_NONE = 0;
    int RPC_C_AUTHN_LEVEL_CALL = 3;
    int RPC_C_IMP_LEVEL_IMPERSONATE = 3;
    int EOAC_NONE = 0;

    /** {@code HRESULT CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit)}. */
    int CoInitializeEx(Pointer reserved, int coInit);

    /** {@code void CoUninitialize(void)}. */
    void CoUninitialize();

    /**
     * {@code HRESULT CoCreateInstance(REFCLSID rclsid, LPUNKNOWN pUnkOuter, DWORD dwClsContext, REFIID riid, LPVOID
     * *ppv)}.
     */
    int CoCreateInstance(NativeGuid clsid, Pointer outer, int clsContext, NativeGuid iid, PointerByReference out);

    /**
     * {@code HRESULT CoSetProxyBlanket(IUnknown *pProxy, DWORD dwAuthnSvc, DWORD dwAuthzSvc, OLECHAR
     * *pServerPrincName, DWORD dwAuthnLevel, DWORD dwImpLevel, RPC_AUTH_IDENTITY_HANDLE pAuthInfo, DWORD
     * dwCapabilities)}.
     */
    int CoSetProxyBlanket(
            Pointer proxy,
            int authnService,
            int authzService,
            Pointer serverPrincipalName,
            int authnLevel,
            int impLevel,
            Pointer authInfo,
            int capabilities);
}
