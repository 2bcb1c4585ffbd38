package org.kmsagent.agent.licensing.registry;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The one registry call kms-agent makes, as {@code advapi32.dll} exports it: {@code LSTATUS RegGetValueW(HKEY hkey,
 * LPCWSTR lpSubKey, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType, PVOID pvData, LPDWORD pcbData)}. The status is
 * returned (not left in the thread's last error); strings are {@link Pointer}s to UTF-16LE bytes (never
 * {@code WString}, whose {@code wchar_t} is 4 bytes off Windows). A 64-bit JVM: x64 has one calling convention.
 */
public interface Advapi32Registry extends Library {
    /** {@code HKEY_LOCAL_MACHINE}: {@code (HKEY)(ULONG_PTR)((LONG)0x80000002)}, sign-extended on x64. */
    Pointer HKEY_LOCAL_MACHINE = new Pointer(0xFFFF_FFFF_8000_0002L);

    int ERROR_SUCCESS = 0;
    int ERROR_FILE_NOT_FOUND = 2;
    int ERROR_MORE_DATA = 234;

    int REG_SZ = 1;
    int REG_DWORD = 4;
    int REG_MULTI_SZ = 7;

    /** {@code RRF_RT_REG_SZ | RRF_RT_REG_DWORD | RRF_RT_REG_MULTI_SZ}: the types kms-agent reads. */
    int RRF_RT_SZ_DWORD_MULTI_SZ = 0x0000_0002 | 0x0000_0010 | 0x0000_0020;

    int RegGetValueW(
            Pointer hkey,
            Pointer lpSubKey,
            Pointer lpValue,
            int dwFlags,
            IntByReference pdwType,
            Pointer pvData,
            IntByReference pcbData);
}
