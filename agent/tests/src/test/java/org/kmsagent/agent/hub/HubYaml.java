package org.kmsagent.agent.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kmsagent.agent.bench.LoopbackPorts;

/**
 * The configuration file of a hub that a test starts itself, on loopback: its bridge on 127.0.0.1 with the ops token
 * ({@link LocalHub#OPS_TOKEN}, admin), one member of a cluster on the loopback interface, and, if asked, its dashboard
 * and metrics on 127.0.0.1 or both switched off. Left out: {@code dataDir} (unless given), and the web servers
 * (unless asked), as a test that sets them from its command line wants.
 */
final class HubYaml {
    /** The keys of a hub's ports other than its member port, as {@code --set} takes them. */
    static final List<String> PORT_KEYS =
            List.of("bridge.port", "dashboard.port", "metrics.port", "fleet.cluster.eventBusPort");

    private final String cluster;
    private final int member;
    private final List<String> otherMembers = new ArrayList<>();
    private Path dataDir;
    private int bridgePort;
    private int eventBusPort;
    private List<String> webServers = List.of();

    /** A member of {@code cluster} on member port {@code member}; every other port 0 (a free one). */
    HubYaml(String cluster, int member) {
        this.cluster = cluster;
        this.member = member;
    }

    /**
     * For each of {@link #PORT_KEYS}, a free loopback port outside the 50 member ports from {@code member} up (a
     * member moves up to one of those when its own is taken).
     */
    static Map<String, Integer> portsOutsideMemberRange(int member) {
        Map<String, Integer> ports = new HashMap<>();
        for (String key : PORT_KEYS) {
            int port = LoopbackPorts.free();
            while (port >= member && port < member + 50) {
                port = LoopbackPorts.free();
            }
            ports.put(key, port);
        }
        return ports;
    }

    HubYaml dataDir(Path dir) {
        this.dataDir = dir;
        return this;
    }

    /** The cluster's other members, each {@code host:port}, after this one. */
    HubYaml otherMembers(List<String> addresses) {
        otherMembers.addAll(addresses);
        return this;
    }

    /** The bridge on {@code port} (0, the default: a free one). */
    HubYaml bridgePort(int port) {
        this.bridgePort = port;
        return this;
    }

    /** The bridge, event bus, dashboard and metrics on these ports (keyed as {@link #PORT_KEYS}), all enabled. */
    HubYaml ports(Map<String, Integer> ports) {
        bridgePort = ports.get("bridge.port");
        eventBusPort = ports.get("fleet.cluster.eventBusPort");
        webServers = List.of(
                "dashboard: {enabled: true, host: 127.0.0.1, port: " + ports.get("dashboard.port") + "}",
                "metrics: {enabled: true, host: 127.0.0.1, port: " + ports.get("metrics.port") + "}");
        return this;
    }

    /** No dashboard and no metrics server. */
    HubYaml webServersOff() {
        webServers = List.of("dashboard: {enabled: false}", "metrics: {enabled: false}");
        return this;
    }

    /** Writes the YAML to {@code file}, and returns it. */
    Path writeTo(Path file) throws IOException {
        List<String> members = new ArrayList<>(List.of("'127.0.0.1:" + member + "'"));
        otherMembers.forEach(o -> members.add("'" + o + "'"));
        List<String> lines = new ArrayList<>();
        if (dataDir != null) {
            lines.add("dataDir: " + dataDir);
        }
        lines.addAll(List.of(
                "bridge:",
                "  host: 127.0.0.1",
                "  port: " + bridgePort,
                "  tokens:",
                "    - {name: ops, token: " + LocalHub.OPS_TOKEN + ", role: admin}",
                "fleet:",
                "  cluster:",
                "    name: " + cluster,
                "    port: " + member,
                "    members: [" + String.join(", ", members) + "]",
                "    interfaces: ['127.0.0.1']",
                "    eventBusPort: " + eventBusPort));
        lines.addAll(webServers);
        lines.add("");
        return Files.writeString(file, String.join("\n", lines));
    }
}
