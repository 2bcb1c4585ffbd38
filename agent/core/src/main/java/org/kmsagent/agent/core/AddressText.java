package org.kmsagent.agent.core;

/**
 * How the agent writes a machine and its port wherever it shows one (a log line, a diagnosis, a URL):
 * {@code host:port}, an IPv6 address in brackets ({@code [::1]:7688}). That is the form every option and configuration
 * key that takes one reads back ({@code HostPort}); without the brackets {@code ::1:7688} could be the address
 * {@code ::1} on port 7688 as well as {@code ::1:7688}.
 */
public final class AddressText {
    private AddressText() {}

    /** {@code host:port}, {@code host} in brackets when it is an IPv6 address. */
    public static String of(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
