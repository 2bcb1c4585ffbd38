package org.kmsagent.agent.windows.eventlog;

/** The event source could not be registered; {@link #win32Error()} is the Win32 error code. */
public final class EventLogException extends RuntimeException {
    private final int win32Error;

    public EventLogException(String message, int win32Error) {
        super(message + " (Win32 error " + win32Error + ")");
        this.win32Error = win32Error;
    }

    public int win32Error() {
        return win32Error;
    }
}
