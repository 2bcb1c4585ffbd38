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
    // Changes with every host attached and every outage added: a route resolved before is then resolved again.
    private long generation;
    // The routes resolved last, shared by the machines that reach the same host: a fleet reaches a handful of hosts.
    private final Route[] recent = new Route[8];
    private int nextRecent;

    /**
     * Where a host name and port lead, resolved once: the host there, if any, and its outages. Valid until the network
     * changes ({@link #route}); a machine keeps the route to the host it reaches, so that an activation does not look
     * the name up again (at a large fleet, that look-up was about a tenth of a simulated year's time).
     */
    public static final class Route {
        private final String hostName;
        private final int port;
        private final long generation;
        private final HostEntry entry; // null: no host of that name on that port
        private final List<Outage> down; // null: no outage

        private Route(String hostName, int port, long generation, HostEntry entry, List<Outage> down) {
            this.hostName = hostName;
            this.port = port;
            this.generation = generation;
            this.entry = entry;
            this.down = down;
        }

        /** The host if it is reachable at that moment, as {@link SimulatedNetwork#reach} answers. */
        public Optional<HostEntry> reach(long nowMillis) {
            if (entry == null) {
                return Optional.empty();
            }
            if (down != null) {
                for (Outage o : down) {
                    if (nowMillis >= o.fromMillis && nowMillis < o.toMillis) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(entry);
        }
    }

    /** Puts a host on the network. */
    public void attach(HostEntry entry) {
        hosts.put(key(entry.name()), entry);
        hosts.put(entry.name(), entry);
        generation++;
    }

    /** The host cannot be reached from {@code from} (inclusive) to {@code to} (exclusive). */
    public void addOutage(String hostName, Instant from, Instant to) {
        Outage o = new Outage(from.toEpochMilli(), to.toEpochMilli());
        outages.computeIfAbsent(key(hostName), h -> new ArrayList<>()).add(o);
        if (!hostName.equals(key(hostName))) {
            outages.computeIfAbsent(hostName, h -> new ArrayList<>()).add(o);
        }
        generation++;
    }

    /**
     * The route to that name and port: {@code known} itself when it is still the route there (the same name, by
     * identity, and port, and nothing attached or taken down since), else one resolved now.
     */
    public Route route(Route known, String hostName, int port) {
        if (known != null && known.hostName == hostName && known.port == port && known.generation == generation) {
            return known;
        }
        for (Route r : recent) {
            if (r != null && r.hostName == hostName && r.port == port && r.generation == generation) {
                return r;
            }
        }
        Route r = resolve(hostName, port);
        recent[nextRecent] = r;
        nextRecent = (nextRecent + 1) % recent.length;
        return r;
    }

    /** The host at that name and port if it exists and is reachable at that moment. */
    public Optional<HostEntry> reach(String hostName, int port, long nowMillis) {
        return resolve(hostName, port).reach(nowMillis);
    }

    private Route resolve(String hostName, int port) {
        String k = hostName;
        HostEntry e = hosts.get(k);
        if (e == null) {
            k = key(hostName);
            e = hosts.get(k);
        }
        if (e == null || e.port() != port) {
            return new Route(hostName, port, generation, null, null);
        }
        return new Route(hostName, port, generation, e, outages.get(k));
    }

    /** The host of that name, reachable or not. */
    public Optional<HostEntry> host(String hostName) {
        return Optional.ofNullable(hosts.get(key(hostName)));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
