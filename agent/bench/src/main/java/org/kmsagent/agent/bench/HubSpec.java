package org.kmsagent.agent.bench;

import java.nio.file.Path;
import java.util.List;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;

/**
 * What one hub of the fleet benchmark starts with, in the benchmark's process or in a {@link HubProcess}: its data
 * directory, its bridge port (0: any free one), its certificate (null: one of its own), how many connections it
 * takes, and its place in the cluster on loopback.
 */
record HubSpec(
        Path dataDir,
        int bridgePort,
        TlsConfig tls,
        int maxConnections,
        String cluster,
        List<String> members,
        int hazelcastPort) {

    /**
     * The hub's configuration: the bridge on loopback with the agents' (shared) and the operators' tokens, {@code
     * maxConnections} in all and from loopback, and the cluster on loopback.
     */
    AgentConfig config() {
        BridgeConfig bridge = new BridgeConfig(
                        true,
                        "127.0.0.1",
                        bridgePort,
                        tls,
                        List.of(
                                new TokenConfig("agents", FleetBenchmark.AGENT_TOKEN, Role.READ),
                                new TokenConfig("ops", FleetBenchmark.OPS_TOKEN, Role.ADMIN)),
                        Role.NONE,
                        null,
                        null,
                        null,
                        maxConnections,
                        120)
                .withLimits(null, maxConnections, null); // every simulated agent connects from loopback
        FleetConfig fleet = new FleetConfig(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new FleetConfig.ClusterConfig(cluster, members, List.of("127.0.0.1"), hazelcastPort, "127.0.0.1", 0),
                true); // thousands of simulated agents share one token
        return new AgentConfig(null, null, dataDir.toString(), null, bridge, null, fleet);
    }

    /** As a {@link HubProcess}'s arguments, which {@link #parse} reads back; a hub in a process of its own has a certificate given. */
    List<String> args() {
        return List.of(
                dataDir.toString(),
                Integer.toString(bridgePort),
                tls.certFile(),
                tls.keyFile(),
                cluster,
                String.join(",", members),
                Integer.toString(hazelcastPort),
                Integer.toString(maxConnections));
    }

    /** The spec of {@link #args}, from {@code args} starting at {@code from}. */
    static HubSpec parse(String[] args, int from) {
        return new HubSpec(
                Path.of(args[from]),
                Integer.parseInt(args[from + 1]),
                new TlsConfig(args[from + 2], args[from + 3], null),
                Integer.parseInt(args[from + 7]),
                args[from + 4],
                List.of(args[from + 5].split(",")),
                Integer.parseInt(args[from + 6]));
    }
}
