package org.kmsagent.agent.hub;

/** A fleet request refused with a {@code BusCodes} code; the message names the field or the agent at fault. */
public final class FleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public FleetException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
