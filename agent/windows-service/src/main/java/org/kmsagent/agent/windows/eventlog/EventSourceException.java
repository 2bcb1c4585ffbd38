package org.kmsagent.agent.windows.eventlog;

/** The event source could not be registered; {@link #win32Error()} is the Win32 error code. */
public final class EventSourceException extends RuntimeException {
    private final int win32Error;

    public EventSourceException(String message, int win32Error) {
        super(message + " (Win32 error " + win32Error + ")");
        this.win32Error = win32Error;
    }

    public int win32Error() {
        return win32Error;
    }
}
