package org.kmsagent.agent.ctl;

/** The agent (or its bridge) answered a request with a failure: a {@code BusCodes} code and its message. */
public final class BridgeFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;

    public BridgeFailure(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The code of a refusal for capacity (the agent or hub holds all the connections it may). */
    public static final int UNAVAILABLE = 503;

    /** Whether a bridge error message is a refusal for capacity ({@code too_many_connections...}). */
    static boolean isCapacity(String message) {
        return message != null && message.startsWith("too_many_connections");
    }

    /** Whether the agent refused for capacity rather than for what was asked. */
    public boolean capacity() {
        return code == UNAVAILABLE && isCapacity(getMessage());
    }

    /**
     * The word ctl's line gives the failure: {@code refused} when authentication or authorisation said no (401, 403),
     * {@code error} otherwise (400 a malformed request, 404 an unknown family, 409, 503 a component not available,
     * ...): those were "refused" too, which told the user their token was at fault.
     */
    public String verdict() {
        return notAuthorised() ? "refused" : "error";
    }

    /** Whether the failure is about credentials (401) or role (403) rather than the request itself. */
    public boolean notAuthorised() {
        return code == 401 || code == 403;
    }
}
