package org.kmsagent.agent.bus;

/**
 * Failure codes of the control API ({@code message.fail(code, text)}), modelled on HTTP so that they read at a
 * glance. Documented in {@code docs/event-bus.md}.
 */
public final class BusCodes {
    private BusCodes() {}

    /** The request body is malformed; the message names the field. */
    public static final int BAD_REQUEST = 400;
    /** Over the bridge: no token, or an unknown one. */
    public static final int UNAUTHORIZED = 401;
    /** Over the bridge: the client's role may not use this address. */
    public static final int FORBIDDEN = 403;
    /** An unknown family, product or plugin. */
    public static final int NOT_FOUND = 404;
    /** The request is well-formed but the agent's state refuses it (e.g. host role off, plugin in use). */
    public static final int CONFLICT = 409;
    /** The agent failed; details are in its log. */
    public static final int INTERNAL = 500;
    /** The component behind the address is not available (e.g. not bound in this build). */
    public static final int UNAVAILABLE = 503;
    /** Over the bridge: the agent did not answer in time. */
    public static final int TIMEOUT = 504;
}
