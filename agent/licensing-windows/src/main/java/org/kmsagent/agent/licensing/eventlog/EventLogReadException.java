package org.kmsagent.agent.licensing.eventlog;

/** The Windows Event Log refused a call; the message names the function, the channel and the Win32 error. */
public final class EventLogReadException extends Exception {
    private final int error;

    public EventLogReadException(String message, int error) {
        super(message);
        this.error = error;
    }

    /** The Win32 error code ({@code GetLastError}). */
    public int error() {
        return error;
    }
}
