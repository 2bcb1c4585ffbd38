package org.kmsagent.agent.bus;

/**
 * An {@link AgentControl} call refused or failed in a way the caller should see: the code is one of
 * {@link BusCodes} and the message goes back to the client verbatim (so it must hold no secret).
 */
public final class ControlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public ControlException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** An unknown family, product or plugin. */
    public static ControlException notFound(String message) {
        return new ControlException(BusCodes.NOT_FOUND, message);
    }

    /** Refused because of the agent's state. */
    public static ControlException conflict(String message) {
        return new ControlException(BusCodes.CONFLICT, message);
    }
}
