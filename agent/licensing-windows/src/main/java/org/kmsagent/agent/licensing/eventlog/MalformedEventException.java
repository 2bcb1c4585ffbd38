package org.kmsagent.agent.licensing.eventlog;

/** An event's XML is not a 12290 request the agent can read; the message says what is wrong. */
public final class MalformedEventException extends Exception {
    private final long recordId;

    public MalformedEventException(long recordId, String message) {
        super(message);
        this.recordId = recordId;
    }

    /** The event's record id, or -1 if even that could not be read. */
    public long recordId() {
        return recordId;
    }
}
