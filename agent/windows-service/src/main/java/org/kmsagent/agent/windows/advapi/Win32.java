package org.kmsagent.agent.windows.advapi;

/**
 * Documented values of winsvc.h, winnt.h and winerror.h that the service code uses, with their names.
 */
public final class Win32 {
    private Win32() {}

    // Service types (winnt.h).
    /** {@code SERVICE_WIN32_OWN_PROCESS}: the service runs alone in its process. */
    public static final int SERVICE_WIN32_OWN_PROCESS = 0x00000010;

    // Current states (winsvc.h, SERVICE_STATUS.dwCurrentState).
    public static final int SERVICE_STOPPED = 0x00000001;
    public static final int SERVICE_START_PENDING = 0x00000002;
    public static final int SERVICE_STOP_PENDING = 0x00000003;
    public static final int SERVICE_RUNNING = 0x00000004;
    public static final int SERVICE_CONTINUE_PENDING = 0x00000005;
    public static final int SERVICE_PAUSE_PENDING = 0x00000006;
    public static final int SERVICE_PAUSED = 0x00000007;

    // Controls accepted (winsvc.h, SERVICE_STATUS.dwControlsAccepted).
    public static final int SERVICE_ACCEPT_STOP = 0x00000001;
    public static final int SERVICE_ACCEPT_SHUTDOWN = 0x00000004;
    public static final int SERVICE_ACCEPT_PRESHUTDOWN = 0x00000100;

    // Control codes (winsvc.h, HandlerEx dwControl).
    public static final int SERVICE_CONTROL_STOP = 0x00000001;
    public static final int SERVICE_CONTROL_PAUSE = 0x00000002;
    public static final int SERVICE_CONTROL_CONTINUE = 0x00000003;
    public static final int SERVICE_CONTROL_INTERROGATE = 0x00000004;
    public static final int SERVICE_CONTROL_SHUTDOWN = 0x00000005;
    public static final int SERVICE_CONTROL_PARAMCHANGE = 0x00000006;
    public static final int SERVICE_CONTROL_PRESHUTDOWN = 0x0000000F;

    // Error codes (winerror.h).
    public static final int NO_ERROR = 0;
    public static final int ERROR_CALL_NOT_IMPLEMENTED = 120;
    public static final int ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;
    /** {@code ERROR_FAILED_SERVICE_CONTROLLER_CONNECT}: the process was not started by the SCM (run from a console). */
    public static final int ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063;
    /** {@code ERROR_SERVICE_SPECIFIC_ERROR}: the SCM then reads {@code dwServiceSpecificExitCode}. */
    public static final int ERROR_SERVICE_SPECIFIC_ERROR = 1066;

    /** The name of a control code, for logs. */
    public static String controlName(int control) {
        return switch (control) {
            case SERVICE_CONTROL_STOP -> "SERVICE_CONTROL_STOP";
            case SERVICE_CONTROL_PAUSE -> "SERVICE_CONTROL_PAUSE";
            case SERVICE_CONTROL_CONTINUE -> "SERVICE_CONTROL_CONTINUE";
            case SERVICE_CONTROL_INTERROGATE -> "SERVICE_CONTROL_INTERROGATE";
            case SERVICE_CONTROL_SHUTDOWN -> "SERVICE_CONTROL_SHUTDOWN";
            case SERVICE_CONTROL_PARAMCHANGE -> "SERVICE_CONTROL_PARAMCHANGE";
            case SERVICE_CONTROL_PRESHUTDOWN -> "SERVICE_CONTROL_PRESHUTDOWN";
            default -> String.format("control 0x%02X", control);
        };
    }

    /** The name of a service state, for logs. */
    public static String stateName(int state) {
        return switch (state) {
            case SERVICE_STOPPED -> "SERVICE_STOPPED";
            case SERVICE_START_PENDING -> "SERVICE_START_PENDING";
            case SERVICE_STOP_PENDING -> "SERVICE_STOP_PENDING";
            case SERVICE_RUNNING -> "SERVICE_RUNNING";
            case SERVICE_CONTINUE_PENDING -> "SERVICE_CONTINUE_PENDING";
            case SERVICE_PAUSE_PENDING -> "SERVICE_PAUSE_PENDING";
            case SERVICE_PAUSED -> "SERVICE_PAUSED";
            default -> "state " + state;
        };
    }
}
