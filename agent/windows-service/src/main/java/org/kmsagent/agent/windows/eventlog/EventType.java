package org.kmsagent.agent.windows.eventlog;

/**
 * The event types of {@code ReportEventW}'s {@code wType} (winnt.h), shown as the Level column of Event Viewer.
 */
public enum EventType {
    /** {@code EVENTLOG_ERROR_TYPE}. */
    ERROR(0x0001, "Error"),
    /** {@code EVENTLOG_WARNING_TYPE}. */
    WARNING(0x0002, "Warning"),
    /** {@code EVENTLOG_INFORMATION_TYPE}. */
    INFORMATION(0x0004, "Information");

    private final int code;
    private final String level;

    EventType(int code, String level) {
        this.code = code;
        this.level = level;
    }

    /** The {@code wType} value. */
    public int code() {
        return code;
    }

    /** The Level Event Viewer and {@code Get-WinEvent} show. */
    public String level() {
        return level;
    }
}
