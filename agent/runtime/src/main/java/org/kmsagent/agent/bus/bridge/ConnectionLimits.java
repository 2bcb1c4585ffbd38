package org.kmsagent.agent.bus.bridge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kmsagent.agent.config.BridgeConfig;

/**
 * How many connections one source address and one client (token name) hold, so that one client, or one machine,
 * cannot take every slot of {@code bridge.maxConnections} and lock the operators out. Thread-safe: connections on
 * every event loop share it.
 */
final class ConnectionLimits {
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Integer> byClient = new ConcurrentHashMap<>();
    private final BridgeConfig config;
    private final BridgeRoutes routes;

    ConnectionLimits(BridgeConfig config, BridgeRoutes routes) {
        this.config = config;
        this.routes = routes;
    }

    /** Takes a slot for a source address; false when it holds {@code bridge.maxConnectionsPerAddress} already. */
    boolean admitAddress(String address) {
        return acquire(byAddress, address, config.maxConnectionsPerAddress());
    }

    void releaseAddress(String address) {
        release(byAddress, address);
    }

    /** Takes a slot for an authenticated client; false when it holds its share already. */
    boolean admitClient(BridgeCaller caller) {
        return acquire(byClient, caller.name(), routes.maxConnections(caller, config.maxConnectionsPerToken()));
    }

    void releaseClient(BridgeCaller caller) {
        release(byClient, caller.name());
    }

    private static boolean acquire(Map<String, Integer> counts, String key, int limit) {
        boolean[] admitted = {false};
        counts.compute(key, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= limit) {
                return n;
            }
            admitted[0] = true;
            return held + 1;
        });
        return admitted[0];
    }

    private static void release(Map<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
