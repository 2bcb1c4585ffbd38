package org.kmsagent.agent.hub;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.core.BoundedInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub's name in the fleet view ({@code hub --name}): what it may be, its default, and one hub per name in a cluster.
 * The fleet view files each agent under its hub's name, so two hubs of one name showed agents under the wrong hub.
 */
final class HubNames {
    private static final Logger LOG = LoggerFactory.getLogger(HubNames.class);

    /** What a hub's name is: {@link #RULE} in words. A bridge's {@code host:port} (an IPv6 host in brackets) is one. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9.:_\\[\\]-]{1,64}");

    /** {@link #NAME} as the refusal says it. */
    static final String RULE = "1-64 characters: letters, digits, '.', '_', '-', ':', '[', ']'";

    /** The cluster map of names in use: name to the hub's member and bridge ({@code node}, {@code bridge}). */
    static final String MAP = "kmsagent.hubs.names";

    private HubNames() {}

    /**
     * Why {@code name}, given with {@code --name}, cannot be a hub's name, or empty.
     */
    static Optional<String> problem(String name) {
        if (name == null || NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.of("--name: expected " + RULE + ", got '" + BoundedInput.shown(name) + "'");
    }

    /**
     * The default name: the bridge's {@code host:port}; for a bridge bound to every interface ({@code 0.0.0.0},
     * {@code ::}), which every such hub on its own machine would share, {@code fleet.cluster.publicHost} (when it is
     * not loopback) or else the machine's host name, with the bridge's port.
     */
    static String byDefault(AgentConfig config, int bridgePort) {
        String host = config.bridge().host();
        if (isWildcard(host)) {
            String publicHost = config.fleet().cluster().publicHost();
            host = !HostPort.isLoopback(publicHost) && !isWildcard(publicHost) ? publicHost : machineName();
        }
        return AddressText.of(host, bridgePort);
    }

    private static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** No host at all listens on every interface too. */
    private static boolean isWildcard(String host) {
        return host == null || host.isEmpty() || HostPort.isWildcard(host);
    }

    /**
     * Takes {@code name} for this hub in its cluster; an entry left by a hub that is no longer a member is taken over.
     *
     * @throws IllegalStateException another member of the cluster uses the name: the message names it and that member
     */
    private static void claim(Vertx vertx, String cluster, String name, String bridgeAt) throws Exception {
        var manager = ((VertxInternal) vertx).clusterManager();
        String node = manager.getNodeId();
        String mine = new JsonObject().put("node", node).put("bridge", bridgeAt).encode();
        AsyncMap<String, String> names =
                vertx.sharedData().<String, String>getAsyncMap(MAP).await(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + OWNER_GONE.toNanos();
        while (true) {
            String held = names.putIfAbsent(name, mine).await(30, TimeUnit.SECONDS);
            if (held == null) {
                return;
            }
            JsonObject owner = new JsonObject(held);
            if (!manager.getNodes().contains(owner.getString("node"))) {
                // Left by a hub that has gone (it died without giving it back): this hub takes the name over.
                if (names.replaceIfPresent(name, held, mine).await(30, TimeUnit.SECONDS)) {
                    return;
                }
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("hub --name: another hub of cluster '" + cluster
                        + "' already uses the name '" + name + "' (the member whose bridge is "
                        + owner.getString("bridge") + ", node " + owner.getString("node")
                        + "); give each hub its own --name");
            }
            // A hub restarted at once after a crash finds its former self still a member until the cluster notices it
            // has gone (hazelcast.max.no.heartbeat.seconds): wait that long before calling the name another hub's.
            Thread.sleep(500);
        }
    }

    /**
     * How long a name's holder may still be listed as a member after it died: the cluster's heartbeat timeout (8 s,
     * {@link FleetCluster#hazelcastConfig}) and a margin.
     */
    static final Duration OWNER_GONE = Duration.ofSeconds(12);

    /**
     * A name this hub holds in its cluster.
     *
     * @param bridgeAt the hub's bridge, {@code host:port}, as the entry and the refusal of another hub name it
     */
    record Claim(Vertx vertx, String name, String bridgeAt) {
        /**
         * Claims {@code name}, or the default name of a bridge on {@code bridgePort}, for the hub whose bridge is on
         * that port ({@link #claim}).
         */
        static Claim of(Vertx vertx, AgentConfig config, String name, int bridgePort) throws Exception {
            String at = AddressText.of(config.bridge().host(), bridgePort);
            String hubName = name != null ? name : byDefault(config, bridgePort);
            claim(vertx, config.fleet().cluster().name(), hubName, at);
            return new Claim(vertx, hubName, at);
        }

        /**
         * Gives the name back as this hub leaves its cluster; a failure is logged, not thrown (the entry of a member
         * that has left is taken over by the next hub of that name anyway).
         */
        void releaseQuietly() {
            try {
                var manager = ((VertxInternal) vertx).clusterManager();
                String mine = new JsonObject()
                        .put("node", manager.getNodeId())
                        .put("bridge", bridgeAt)
                        .encode();
                vertx.sharedData()
                        .<String, String>getAsyncMap(MAP)
                        .compose(names -> names.removeIfPresent(name, mine))
                        .await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("hub shutdown: could not give back the hub's name in the cluster: {}", e.toString());
            }
        }
    }
}
