package org.kmsagent.agent.config;

import java.util.Objects;

/**
 * A hub's web dashboard ({@code https://host:port/}): served with the bridge's TLS material and admitting the
 * bridge's tokens (any role; {@code read} is enough). Ignored by {@code kms-agent run}.
 *
 * @param enabled whether the hub serves it
 * @param host the address it binds
 * @param port its TCP port; {@code 0} picks a free one (printed at start)
 */
public record DashboardConfig(Boolean enabled, String host, Integer port) {
    /** The default port: the one after the bridge's 7688. */
    public static final int DEFAULT_PORT = 7689;

    public DashboardConfig {
        enabled = Objects.requireNonNullElse(enabled, false);
        host = Objects.requireNonNullElse(host, "127.0.0.1");
        port = Objects.requireNonNullElse(port, DEFAULT_PORT);
    }

    /** Every default: off, 127.0.0.1:7689. */
    public static DashboardConfig defaults() {
        return new DashboardConfig(null, null, null);
    }
}
