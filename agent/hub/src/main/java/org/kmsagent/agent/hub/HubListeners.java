package org.kmsagent.agent.hub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.core.CannotListen;

/**
 * The servers a hub listens with, each with the configuration keys of its address: the bridge ({@code bridge.host},
 * {@code bridge.port}), the clustered event bus ({@code fleet.cluster.publicHost}, {@code fleet.cluster.eventBusPort}),
 * the dashboard and the metrics endpoint when enabled. One that cannot listen stops the hub with a {@link CannotListen}
 * naming it, its keys and its address (exit 1), as the agent's bridge and metrics endpoint do; the network stack's own
 * {@code Address already in use} names none of them. Hazelcast's member port is not among them: it takes the next
 * free port of its range when the first is taken (docs/fleet.md).
 */
final class HubListeners {
    private HubListeners() {}

    /** One server's address and its keys. */
    record Listener(String server, String hostKey, String portKey, String host, int port) {
        /** The failure that says this server cannot listen, because of {@code cause}. */
        CannotListen cannotListen(Throwable cause) {
            return new CannotListen(server, hostKey, portKey, host, port, cause);
        }

        /**
         * Runs {@code start}, which makes this server listen; a failure to listen (its own {@link CannotListen}, or
         * any I/O failure among its causes: the port taken, the host not this machine's) is thrown as this server's
         * {@link CannotListen}, anything else as it is.
         */
        <T> T listening(Callable<T> start) throws Exception {
            try {
                return start.call();
            } catch (Exception e) {
                Throwable network = e instanceof CannotListen && e.getCause() != null ? e.getCause() : ioCause(e);
                if (network == null) {
                    throw e;
                }
                throw cannotListen(network);
            }
        }
    }

    /** The hub's bridge. */
    static Listener bridge(AgentConfig config) {
        return new Listener(
                "bridge",
                "bridge.host",
                "bridge.port",
                config.bridge().host(),
                config.bridge().port());
    }

    /** The hub's end of the clustered event bus (routed commands and replies between hubs). */
    static Listener eventBus(FleetConfig.ClusterConfig c) {
        return new Listener(
                "event bus",
                "fleet.cluster.publicHost",
                "fleet.cluster.eventBusPort",
                c.publicHost(),
                c.eventBusPort());
    }

    /** The dashboard, when enabled. */
    static Listener dashboard(AgentConfig config) {
        return new Listener(
                "dashboard",
                "dashboard.host",
                "dashboard.port",
                config.dashboard().host(),
                config.dashboard().port());
    }

    /** The metrics endpoint, when enabled. */
    static Listener metrics(AgentConfig config) {
        return new Listener(
                "metrics",
                "metrics.host",
                "metrics.port",
                config.metrics().host(),
                config.metrics().port());
    }

    /** Every server this configuration has the hub listen with. */
    static List<Listener> of(AgentConfig config) {
        List<Listener> all =
                new ArrayList<>(List.of(bridge(config), eventBus(config.fleet().cluster())));
        if (config.dashboard().enabled()) {
            all.add(dashboard(config));
        }
        if (config.metrics().enabled()) {
            all.add(metrics(config));
        }
        return all;
    }

    /**
     * Checks, before the hub joins its cluster, that each of its servers can listen where it is configured to: binds
     * each address (port 0: any free port, nothing to check) and lets it go at once. A hub that cannot listen then
     * stops before its Hazelcast member joins the other hubs' cluster, rather than joining it and leaving again. The
     * servers themselves listen only later, on the clustered Vert.x the join makes ({@link HubServer#start}); a port
     * another program takes in between still fails the start, with the same message, after the hub has left the
     * cluster again.
     *
     * @throws CannotListen naming the first server that cannot listen
     */
    static void checkFree(AgentConfig config) throws CannotListen {
        for (Listener l : of(config)) {
            if (l.port() == 0) {
                continue;
            }
            InetSocketAddress address = new InetSocketAddress(l.host(), l.port());
            try (ServerSocket probe = new ServerSocket()) {
                // As Vert.x's servers bind (SO_REUSEADDR): a port whose last connections are still closing is free.
                probe.setReuseAddress(true);
                if (address.isUnresolved()) {
                    throw new UnknownHostException(l.host() + ": no such host");
                }
                probe.bind(address);
            } catch (IOException e) {
                throw l.cannotListen(e);
            }
        }
    }

    /** The first I/O failure among {@code e}'s causes, or null. */
    private static Throwable ioCause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException) {
                return c;
            }
        }
        return null;
    }
}
