package org.kmsagent.agent.licensing.simulated;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.host.KmsHost;
import org.kmsagent.api.HostKey;

/**
 * The network between simulated machines and KMS hosts: which hosts exist, on which port, and when they cannot
 * be reached (outages). Machines reach hosts only through {@link #reach(String, int, long)}.
 */
public final class SimulatedNetwork {

    /**
     * A host on the network and what the simulator knows about it (its keys and packs, used only to diagnose a
     * refusal the way an administrator would after reading the host's configuration).
     *
     * @param name the host's name
     * @param port the port it answers on
     * @param host the host model
     * @param hostKeys the host keys installed
     * @param licensePacks the license packs installed
     */
    public record HostEntry(String name, int port, KmsHost host, List<HostKey> hostKeys, Set<String> licensePacks) {
        public HostEntry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(host, "host");
            hostKeys = List.copyOf(hostKeys);
            licensePacks = Set.copyOf(licensePacks);
        }
    }

    private record Outage(long fromMillis, long toMillis) {}

    private final Map<String, HostEntry> hosts = new HashMap<>();
    private final Map<String, List<Outage>> outages = new HashMap<>();

    /** Puts a host on the network. */
    public void attach(HostEntry entry) {
        hosts.put(key(entry.name()), entry);
        hosts.put(entry.name(), entry);
    }

    /** The host cannot be reached from {@code from} (inclusive) to {@code to} (exclusive). */
    public void addOutage(String hostName, Instant from, Instant to) {
        Outage o = new Outage(from.toEpochMilli(), to.toEpochMilli());
        outages.computeIfAbsent(key(hostName), h -> new ArrayList<>()).add(o);
        if (!hostName.equals(key(hostName))) {
            outages.computeIfAbsent(hostName, h -> new ArrayList<>()).add(o);
        }
    }

    /** The host at that name and port if it exists and is reachable at that moment. */
    public Optional<HostEntry> reach(String hostName, int port, long nowMillis) {
        String k = hostName;
        HostEntry e = hosts.get(k);
        if (e == null) {
            k = key(hostName);
            e = hosts.get(k);
        }
        if (e == null || e.port() != port) {
            return Optional.empty();
        }
        List<Outage> down = outages.get(k);
        if (down != null) {
            for (Outage o : down) {
                if (nowMillis >= o.fromMillis && nowMillis < o.toMillis) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(e);
    }

    /** The host of that name, reachable or not. */
    public Optional<HostEntry> host(String hostName) {
        return Optional.ofNullable(hosts.get(key(hostName)));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
