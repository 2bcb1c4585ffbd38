package org.kmsagent.agent.licensing.wmi;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The {@code BSTR} and {@code VARIANT} calls of {@code oleaut32.dll} the WMI writer makes. Strings go in as
 * {@link Pointer}s to UTF-16LE memory ({@code Utf16.of}), never as {@code WString}, whose {@code wchar_t} is 4 bytes
 * off Windows (docs/building.md §9), so that the double runs the same code on Linux.
 */
public interface OleAut32Library extends Library {
    /** {@code BSTR SysAllocString(const OLECHAR *psz)}: null when out of memory. */
    Pointer SysAllocString(Pointer utf16);

    /** {@code void SysFreeString(BSTR bstrString)}; null is ignored. */
    void SysFreeString(Pointer bstr);

    /** {@code HRESULT VariantClear(VARIANTARG *pvarg)}: frees what the VARIANT owns and empties it. */
    int VariantClear(Pointer variant);
}
