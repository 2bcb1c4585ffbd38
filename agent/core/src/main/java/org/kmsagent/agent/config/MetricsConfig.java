package org.kmsagent.agent.config;

import java.util.Objects;

/**
 * The Prometheus endpoint of an agent ({@code kms-agent run}) or a hub ({@code kms-agent hub}): plain HTTP serving
 * {@code GET /metrics} in Prometheus' text format (docs/operations.md lists the figures). It carries no secret and
 * changes nothing, but it tells who looks at it which machines exist, so it binds loopback unless told otherwise.
 *
 * @param enabled whether the endpoint is served at all
 * @param host the address it binds
 * @param port its TCP port; {@code 0} picks a free one (printed at start)
 */
public record MetricsConfig(Boolean enabled, String host, Integer port) {
    /** The default port: beside the bridge's 7688 and the dashboard's 7689. */
    public static final int DEFAULT_PORT = 9688;

    public MetricsConfig {
        enabled = Objects.requireNonNullElse(enabled, false);
        host = Objects.requireNonNullElse(host, "127.0.0.1");
        port = Objects.requireNonNullElse(port, DEFAULT_PORT);
    }

    /** Every default: off, 127.0.0.1:9688. */
    public static MetricsConfig defaults() {
        return new MetricsConfig(null, null, null);
    }
}
