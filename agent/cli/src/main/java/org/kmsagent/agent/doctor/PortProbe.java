package org.kmsagent.agent.doctor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.kmsagent.agent.core.AddressText;

/**
 * Whether a KMS host's port accepts a TCP connection. It connects and closes: nothing is sent, so no KMS
 * protocol is spoken (the project's boundary).
 */
public final class PortProbe {
    private final Duration timeout;
    private final NameResolver names;

    /** Connects within {@code timeout}, after resolving the host within the same time again. */
    public PortProbe(Duration timeout) {
        this(timeout, new NameResolver(timeout));
    }

    public PortProbe(Duration timeout, NameResolver names) {
        this.timeout = timeout;
        this.names = names;
    }

    /** The outcome of one connect. */
    public record Outcome(boolean open, String detail) {}

    /** Connects to {@code host:port} and closes at once. */
    public Outcome probe(String host, int port) {
        NameResolver.Resolution address = names.resolve(host);
        if (!(address instanceof NameResolver.Resolved resolved)) {
            return new Outcome(false, "host " + host + " " + address.failure().orElseThrow());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(resolved.address(), port), (int) timeout.toMillis());
            return new Outcome(true, "TCP " + AddressText.of(host, port) + " accepts connections");
        } catch (SocketTimeoutException e) {
            return new Outcome(
                    false,
                    "TCP " + AddressText.of(host, port) + " did not answer within " + timeout.toMillis()
                            + " ms (filtered by a firewall?)");
        } catch (IOException e) {
            return new Outcome(
                    false, "TCP " + AddressText.of(host, port) + " refused the connection (" + e.getMessage() + ")");
        }
    }
}
