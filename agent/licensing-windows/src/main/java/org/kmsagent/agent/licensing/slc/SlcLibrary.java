package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The read side of the Software Licensing Client, as exported by {@code slc.dll} (Windows' SPP) and
 * {@code osppc.dll} (Office's OSPP) with the same names and prototypes (docs/kms-rules.md §8.1).
 *
 * <p>Mapping (docs/kms-rules.md §8.5, docs/building.md §9 "JNA "): HRESULT is {@code int} (never {@code WinNT.HRESULT}, which is 8
 * bytes on Linux); {@code const SLID*} is a {@link NativeGuid} passed by reference, {@code null} when optional; every
 * {@code PCWSTR} is a {@link Pointer} to UTF-16LE bytes made by {@link org.kmsagent.agent.licensing.win32.Utf16} (never {@code WString}, whose
 * {@code wchar_t} is 4 bytes on Linux); out pointers are {@link PointerByReference} and the buffers they receive
 * are freed through {@link NativeMemory}.
 *
 * <p>A 64-bit JVM is assumed: x64 has one calling convention, so the interface needs no stdcall mapping. Callers
 * use {@link SlcSession}, which checks results, validates answers and frees every buffer.
 */
public interface SlcLibrary extends Library {

    /** {@code HRESULT SLOpen(HSLC *phSLC)}. */
    int SLOpen(PointerByReference phSLC);

    /** {@code HRESULT SLClose(HSLC hSLC)}. */
    int SLClose(Pointer hSLC);

    /** {@code HRESULT SLGetSLIDList(HSLC, SLIDTYPE, const SLID*, SLIDTYPE, UINT*, SLID**)}. */
    int SLGetSLIDList(
            Pointer hSLC,
            int eQueryIdType,
            NativeGuid pQueryId,
            int eReturnIdType,
            IntByReference pnReturnIds,
            PointerByReference ppReturnIds);

    /** {@code HRESULT SLGetInstalledProductKeyIds(HSLC, const SLID *pSkuId, UINT*, SLID**)}. */
    int SLGetInstalledProductKeyIds(
            Pointer hSLC, NativeGuid pProductSkuId, IntByReference pnProductKeyIds, PointerByReference ppProductKeyIds);

    /** {@code HRESULT SLGetLicensingStatusInformation(HSLC, const SLID*, const SLID*, PCWSTR, UINT*, SL_LICENSING_STATUS**)}. */
    int SLGetLicensingStatusInformation(
            Pointer hSLC,
            NativeGuid pAppId,
            NativeGuid pProductSkuId,
            Pointer pwszRightName,
            IntByReference pnStatusCount,
            PointerByReference ppLicensingStatus);

    /** {@code HRESULT SLGetProductSkuInformation(HSLC, const SLID*, PCWSTR, SLDATATYPE*, UINT*, PBYTE*)}. */
    int SLGetProductSkuInformation(
            Pointer hSLC,
            NativeGuid pProductSkuId,
            Pointer pwszValueName,
            IntByReference peDataType,
            IntByReference pcbValue,
            PointerByReference ppbValue);

    /** {@code HRESULT SLGetPKeyInformation(HSLC, const SLID*, PCWSTR, SLDATATYPE*, UINT*, PBYTE*)}. */
    int SLGetPKeyInformation(
            Pointer hSLC,
            NativeGuid pPKeyId,
            Pointer pwszValueName,
            IntByReference peDataType,
            IntByReference pcbValue,
            PointerByReference ppbValue);

    /** {@code HRESULT SLGetApplicationInformation(HSLC, const SLID*, PCWSTR, SLDATATYPE*, UINT*, PBYTE*)}. */
    int SLGetApplicationInformation(
            Pointer hSLC,
            NativeGuid pApplicationId,
            Pointer pwszValueName,
            IntByReference peDataType,
            IntByReference pcbValue,
            PointerByReference ppbValue);

    /**
     * {@code HRESULT SLGetGenuineInformation(const SLID *pQueryId, PCWSTR, SLDATATYPE*, UINT*, BYTE**)}: no handle;
     * asked with a SKU id for {@code SL_LAST_ACT_ATTEMPT_HRESULT} (docs/kms-rules.md §8.1, §8.2).
     */
    int SLGetGenuineInformation(
            NativeGuid pQueryId,
            Pointer pwszValueName,
            IntByReference peDataType,
            IntByReference pcbValue,
            PointerByReference ppbValue);

    /** {@code HRESULT SLGetServiceInformation(HSLC, PCWSTR, SLDATATYPE*, UINT*, PBYTE*)}. */
    int SLGetServiceInformation(
            Pointer hSLC,
            Pointer pwszValueName,
            IntByReference peDataType,
            IntByReference pcbValue,
            PointerByReference ppbValue);
}
