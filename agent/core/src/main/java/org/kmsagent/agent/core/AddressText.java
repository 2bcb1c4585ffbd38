package org.kmsagent.agent.core;

import java.net.UnknownHostException;

/**
 * How the agent writes a machine and its port wherever it shows one (a log line, a diagnosis, a URL):
 * {@code host:port}, an IPv6 address in brackets ({@code [::1]:7688}). That is the form every option and configuration
 * key that takes one reads back ({@code HostPort}); without the brackets {@code ::1:7688} could be the address
 * {@code ::1} on port 7688 as well as {@code ::1:7688}.
 */
public final class AddressText {
    private AddressText() {}

    /**
     * Why a connection could not be made, in words: a name that does not resolve is said to be one (Netty's resolver
     * says only the name, "cannot talk to the hub at hub-a:7688: hub-a"); anything else keeps its message.
     */
    public static String connectFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                String message = t.getMessage() == null ? "" : t.getMessage();
                int colon = message.indexOf(": ");
                return "unknown host " + (colon > 0 ? message.substring(0, colon) : message)
                        + " (the name does not resolve here: check it, or give an IP address)";
            }
        }
        return failure.getMessage();
    }

    /** {@code host:port}, {@code host} in brackets when it is an IPv6 address. */
    public static String of(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
