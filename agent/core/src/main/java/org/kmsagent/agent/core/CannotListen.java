package org.kmsagent.agent.core;

import java.util.Locale;

/**
 * A server of the agent or hub (the bridge, the metrics endpoint; a hub's dashboard and event bus) could not listen on its address: the port is taken,
 * the host is not an address of this machine, or it does not resolve. Its message names the server and the address,
 * e.g. {@code bridge: cannot listen on 127.0.0.1:7688: address already in use}, because the exception the network
 * stack gives ({@code Address already in use}) names neither.
 */
public final class CannotListen extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param server the server's name as configured ({@code bridge}, {@code metrics})
     * @param host the configured host
     * @param port the configured port
     * @param cause what the network stack reported
     */
    public CannotListen(String server, String host, int port, Throwable cause) {
        super(server + ": cannot listen on " + AddressText.of(host, port) + ": " + reason(cause), cause);
    }

    /**
     * The same, naming the configuration keys of the address too, where the server's name alone does not say them
     * (a hub's event bus is {@code fleet.cluster.publicHost} and {@code fleet.cluster.eventBusPort}), e.g.
     * {@code event bus: cannot listen on 127.0.0.1:5801 (fleet.cluster.publicHost, fleet.cluster.eventBusPort):
     * address already in use}.
     *
     * @param hostKey the key of the host
     * @param portKey the key of the port
     */
    public CannotListen(String server, String hostKey, String portKey, String host, int port, Throwable cause) {
        super(
                server + ": cannot listen on " + AddressText.of(host, port) + " (" + hostKey + ", " + portKey + "): "
                        + reason(cause),
                cause);
    }

    /** The innermost message of {@code e}'s causes, starting lower-case as the rest of the sentence. */
    private static String reason(Throwable e) {
        String message = null;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage().lines().findFirst().orElse("").strip();
            }
        }
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        // "Address already in use" reads as the rest of the line; an acronym ("IPv6 ...") keeps its case.
        return message.length() > 1 && Character.isLowerCase(message.charAt(1))
                ? message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1)
                : message;
    }
}
