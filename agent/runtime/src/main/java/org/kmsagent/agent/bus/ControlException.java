package org.kmsagent.agent.bus;

/**
 * A request on the event bus refused, or failed in a way the caller should see: by an {@link AgentControl} call, by
 * the check of its body ({@link RequestBody}), or by a hub's fleet address. The code is one of {@link BusCodes} and
 * the message goes back to the client verbatim (so it must hold no secret).
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

    /** A malformed request: the message starts with the field at fault (docs/event-bus.md, "Failure codes"). */
    public static ControlException badRequest(String message) {
        return new ControlException(BusCodes.BAD_REQUEST, message);
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
