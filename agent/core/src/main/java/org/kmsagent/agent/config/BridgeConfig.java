package org.kmsagent.agent.config;

import java.util.List;
import java.util.Objects;

/**
 * The TLS TCP event-bus bridge.
 *
 * @param enabled whether the bridge listens at all
 * @param host the address it binds; loopback unless an administrator deliberately opens it
 * @param port the TCP port
 * @param tls the certificate, or where the self-signed one made at first start is kept
 * @param tokens the clients' tokens, each with a role
 * @param anonymous the role a client without a token gets; {@code none} refuses it (allowed only on loopback)
 * @param inbound addresses clients may send to (also limited by role); {@code *} at the end matches any suffix
 * @param outbound addresses clients may register on (receive from)
 * @param maxFrameBytes the largest frame a client may send; a larger one is answered with an error and closed
 * @param maxConnections how many clients may be connected at once; more are closed at once
 * @param requestTimeoutSeconds how long the bridge waits for the agent to answer one request
 * @param maxConnectionsPerToken how many connections one token (one client name) may hold at once, so that one
 *     client cannot take every slot from the others
 * @param maxConnectionsPerAddress how many connections one source address may hold at once
 * @param idleTimeoutSeconds a connection that sends nothing (not even a ping) for this long is closed
 * @param eventLoops how many event loops serve the bridge's connections (TLS handshakes and frames), each with its own
 *     server instance sharing the port; null: 1 on a machine agent (which stays small), Vert.x's event-loop count on a
 *     hub ({@link #eventLoopsOr})
 */
public record BridgeConfig(
        Boolean enabled,
        String host,
        Integer port,
        TlsConfig tls,
        List<TokenConfig> tokens,
        Role anonymous,
        List<String> inbound,
        List<String> outbound,
        Integer maxFrameBytes,
        Integer maxConnections,
        Integer requestTimeoutSeconds,
        Integer maxConnectionsPerToken,
        Integer maxConnectionsPerAddress,
        Integer idleTimeoutSeconds,
        Integer eventLoops) {
    /**
     * The most connections a bridge may be configured to hold (in all, per token, per address): a hub holds one per
     * agent, ten thousand and more, plus its operators' ctl clients (docs/fleet.md).
     */
    public static final int MAX_CONNECTIONS = 100_000;

    /** The port when none is configured. */
    public static final int DEFAULT_PORT = 7688;

    public BridgeConfig {
        enabled = Objects.requireNonNullElse(enabled, true);
        host = Objects.requireNonNullElse(host, "127.0.0.1");
        port = Objects.requireNonNullElse(port, DEFAULT_PORT);
        tls = Objects.requireNonNullElseGet(tls, () -> new TlsConfig(null, null, null));
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        anonymous = Objects.requireNonNullElse(anonymous, Role.NONE);
        inbound = inbound == null ? List.of("kmsagent.*") : List.copyOf(inbound);
        outbound = outbound == null ? List.of("kmsagent.events") : List.copyOf(outbound);
        maxFrameBytes = Objects.requireNonNullElse(maxFrameBytes, 65_536);
        maxConnections = Objects.requireNonNullElse(maxConnections, 64);
        requestTimeoutSeconds = Objects.requireNonNullElse(requestTimeoutSeconds, 60);
        maxConnectionsPerToken = Objects.requireNonNullElse(maxConnectionsPerToken, 16);
        maxConnectionsPerAddress = Objects.requireNonNullElse(maxConnectionsPerAddress, 32);
        idleTimeoutSeconds = Objects.requireNonNullElse(idleTimeoutSeconds, 300);
    }

    /** The number of event loops to serve the bridge on: the configured one, or {@code roleDefault} when none is. */
    public int eventLoopsOr(int roleDefault) {
        return eventLoops == null ? roleDefault : eventLoops;
    }

    /** This configuration served on {@code n} event loops. */
    public BridgeConfig withEventLoops(Integer n) {
        return new BridgeConfig(
                enabled,
                host,
                port,
                tls,
                tokens,
                anonymous,
                inbound,
                outbound,
                maxFrameBytes,
                maxConnections,
                requestTimeoutSeconds,
                maxConnectionsPerToken,
                maxConnectionsPerAddress,
                idleTimeoutSeconds,
                n);
    }

    /** With the default per-token, per-address and idle limits. */
    public BridgeConfig(
            Boolean enabled,
            String host,
            Integer port,
            TlsConfig tls,
            List<TokenConfig> tokens,
            Role anonymous,
            List<String> inbound,
            List<String> outbound,
            Integer maxFrameBytes,
            Integer maxConnections,
            Integer requestTimeoutSeconds) {
        this(
                enabled,
                host,
                port,
                tls,
                tokens,
                anonymous,
                inbound,
                outbound,
                maxFrameBytes,
                maxConnections,
                requestTimeoutSeconds,
                null,
                null,
                null,
                null);
    }

    /** This configuration with other connection limits (null keeps a default). */
    public BridgeConfig withLimits(Integer perToken, Integer perAddress, Integer idleSeconds) {
        return new BridgeConfig(
                enabled,
                host,
                port,
                tls,
                tokens,
                anonymous,
                inbound,
                outbound,
                maxFrameBytes,
                maxConnections,
                requestTimeoutSeconds,
                perToken,
                perAddress,
                idleSeconds,
                eventLoops);
    }

    static BridgeConfig defaults() {
        return new BridgeConfig(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
