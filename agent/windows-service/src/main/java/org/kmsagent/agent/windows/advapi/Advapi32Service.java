package org.kmsagent.agent.windows.advapi;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The few {@code advapi32.dll} functions kms-agent's Windows service and Event Log code call: the service side of
 * the Service Control Manager (winsvc.h) and event sources (winbase.h), the W variants only.
 *
 * <p>Own mapping, not jna-platform's {@code Advapi32}/{@code Winsvc}: that one passes strings as {@code WString} and
 * assumes Windows' 2-byte {@code wchar_t}, while this interface is also bound, on Linux, to the gcc-built double
 * {@code libadvapi32.so} (src/test/c/advapi32double.c), where {@code wchar_t} is 4 bytes. So:
 * <ul>
 *   <li>every {@code LPCWSTR} is a {@link Pointer} to NUL-terminated UTF-16LE bytes made by {@link Advapi32Utf16};</li>
 *   <li>{@code BOOL} and {@code DWORD} are {@code int}, {@code WORD} is {@code short}; handles are {@link Pointer};</li>
 *   <li>a call that fails returns 0 or {@code null}; the error code is then {@link Native#getLastError()}
 *       ({@code GetLastError} on Windows, {@code errno}, which the double sets, elsewhere);</li>
 *   <li>callbacks are plain {@link Callback}s: a 64-bit JVM is assumed, and x64 has one calling convention (32-bit
 *       JVMs, whose callbacks would need stdcall, are unsupported). Callers keep them strongly reachable for as long
 *       as native code may call them.</li>
 * </ul>
 */
public interface Advapi32Service extends Library {

    /** The library's name: {@code advapi32.dll} on Windows, {@code libadvapi32.so} (the double) elsewhere. */
    String LIBRARY = "advapi32";

    /** {@code VOID WINAPI ServiceMain(DWORD dwNumServicesArgs, LPWSTR *lpServiceArgVectors)}. */
    interface ServiceMainFunction extends Callback {
        void invoke(int argc, Pointer argv);
    }

    /** {@code DWORD WINAPI HandlerEx(DWORD dwControl, DWORD dwEventType, LPVOID lpEventData, LPVOID lpContext)}. */
    interface HandlerEx extends Callback {
        int invoke(int control, int eventType, Pointer eventData, Pointer context);
    }

    /**
     * {@code SERVICE_STATUS}: seven DWORDs, 28 bytes.
     */
    @Structure.FieldOrder({
        "dwServiceType",
        "dwCurrentState",
        "dwControlsAccepted",
        "dwWin32ExitCode",
        "dwServiceSpecificExitCode",
        "dwCheckPoint",
        "dwWaitHint"
    })
    class ServiceStatus extends Structure {
        public int dwServiceType;
        public int dwCurrentState;
        public int dwControlsAccepted;
        public int dwWin32ExitCode;
        public int dwServiceSpecificExitCode;
        public int dwCheckPoint;
        public int dwWaitHint;
    }

    /**
     * {@code BOOL StartServiceCtrlDispatcherW(const SERVICE_TABLE_ENTRYW *lpServiceStartTable)}: the table is an
     * array of {@code {LPWSTR lpServiceName; LPSERVICE_MAIN_FUNCTIONW lpServiceProc;}} closed by a NULL entry (see
     * {@code ServiceHost}). Blocks until every service of the process has reported {@code SERVICE_STOPPED}.
     */
    int StartServiceCtrlDispatcherW(Pointer serviceStartTable);

    /** {@code SERVICE_STATUS_HANDLE RegisterServiceCtrlHandlerExW(LPCWSTR, LPHANDLER_FUNCTION_EX, LPVOID)}. */
    Pointer RegisterServiceCtrlHandlerExW(Pointer serviceName, HandlerEx handlerProc, Pointer context);

    /** {@code BOOL SetServiceStatus(SERVICE_STATUS_HANDLE, LPSERVICE_STATUS)}. */
    int SetServiceStatus(Pointer serviceStatusHandle, ServiceStatus serviceStatus);

    /** {@code HANDLE RegisterEventSourceW(LPCWSTR lpUNCServerName, LPCWSTR lpSourceName)}: NULL server is local. */
    Pointer RegisterEventSourceW(Pointer uncServerName, Pointer sourceName);

    /**
     * {@code BOOL ReportEventW(HANDLE, WORD wType, WORD wCategory, DWORD dwEventID, PSID lpUserSid, WORD wNumStrings,
     * DWORD dwDataSize, LPCWSTR *lpStrings, LPVOID lpRawData)}.
     */
    int ReportEventW(
            Pointer eventLog,
            short type,
            short category,
            int eventId,
            Pointer userSid,
            short numStrings,
            int dataSize,
            Pointer strings,
            Pointer rawData);

    /** {@code BOOL DeregisterEventSource(HANDLE hEventLog)}. */
    int DeregisterEventSource(Pointer eventLog);

    /** Loads {@code advapi32} from the system (or {@code jna.library.path}, where tests put the double). */
    static Advapi32Service load() {
        return Native.load(LIBRARY, Advapi32Service.class);
    }
}
