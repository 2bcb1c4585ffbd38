package org.kmsagent.agent.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.hub.HubServer;

/**
 * The hubs of one run, clustered on loopback under one cluster name, each with its own Hazelcast port and every
 * hub's port as members. One hub makes its own self-signed certificate (as it always did); several share one, as
 * docs/fleet.md has an administrator give them, so that agents pin one fingerprint for all. The first hub runs in
 * this process (its heap is the one measured here); every other one in a process of its own ({@link HubProcess}),
 * as each hub of a real deployment is its own {@code kms-agent hub}: its own heap, collector and descriptors.
 */
final class BenchHubs implements AutoCloseable {
    private final Path dir;
    private final int agents;
    private final String cluster = "fleet-bench-" + UUID.randomUUID();
    private final TlsConfig tls;
    /** The first hub, in this process; replaced when it restarts (one hub only). */
    private volatile HubServer local;
    /** The other hubs' processes (index 0 unused); read by the benchmark's thread while another restarts one. */
    private final AtomicReferenceArray<RemoteHub> remote;

    private final int[] ports;
    private final int[] hz;

    private BenchHubs(Path dir, int agents, int count, TlsConfig tls) {
        this.dir = dir;
        this.agents = agents;
        this.tls = tls;
        this.remote = new AtomicReferenceArray<>(count);
        this.ports = new int[count];
        this.hz = new int[count];
    }

    static BenchHubs start(Path dir, int agents, int count) throws Exception {
        TlsConfig tls = null;
        if (count > 1) {
            TlsMaterial shared = TlsMaterial.load(new TlsConfig(null, null, null), dir.resolve("shared"));
            tls = new TlsConfig(shared.certFile().toString(), shared.keyFile().toString(), null);
        }
        BenchHubs h = new BenchHubs(dir, agents, count, tls);
        try {
            for (int i = 0; i < count; i++) {
                h.hz[i] = LoopbackPorts.free();
            }
            h.local = HubServer.start(h.spec(0, 0).config(), h.name(0), Clock.systemUTC());
            h.ports[0] = h.local.port();
            for (int i = 1; i < count; i++) {
                h.remote.set(i, h.startRemote(i, 0));
                h.ports[i] = h.remote.get(i).port();
            }
        } catch (Exception e) {
            h.close();
            throw e;
        }
        return h;
    }

    /** The first hub, the one in this process. */
    HubServer get(int i) {
        if (i != 0) {
            throw new IllegalArgumentException("hub " + i + " runs in a process of its own");
        }
        return local;
    }

    /** How many hubs the run has. */
    int count() {
        return ports.length;
    }

    /** Hub {@code i}'s name in the fleet view. */
    String name(int i) {
        return "bench-hub" + suffix(i);
    }

    private String suffix(int i) {
        return ports.length == 1 ? "" : "-" + (char) ('a' + i);
    }

    /** Each hub's bridge, {@code host:port}. */
    List<String> addresses() {
        return Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toList();
    }

    /** Connections to hub {@code i}; 0 while it is closed. */
    int connections(int i) throws Exception {
        if (i == 0) {
            return local.connections();
        }
        RemoteHub r = remote.get(i);
        return r == null ? 0 : r.connections();
    }

    /** Connections to all hubs. */
    int connectionCount() throws Exception {
        int n = 0;
        for (int i = 0; i < ports.length; i++) {
            n += connections(i);
        }
        return n;
    }

    /** Connections per hub, for the log. */
    String connections() throws Exception {
        List<String> per = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            per.add(name(i) + " " + connections(i));
        }
        return per.toString();
    }

    /** Hub {@code i}'s (not the first) heap after full collections in its own process, and its connections. */
    long[] heap(int i) throws Exception {
        return remote.get(i).heap();
    }

    /** Closes hub {@code i} (the other hubs: their process, which leaves the cluster and exits); returns its port. */
    int close(int i) throws Exception {
        if (i == 0) {
            local.close();
        } else {
            remote.getAndSet(i, null).close();
        }
        return ports[i];
    }

    /** Starts hub {@code i} again on bridge port {@code port}, with a fresh Hazelcast port (a new process). */
    void startAgain(int i, int port) throws Exception {
        hz[i] = LoopbackPorts.free();
        if (i == 0) {
            local = HubServer.start(spec(0, port).config(), name(0), Clock.systemUTC());
        } else {
            remote.set(i, startRemote(i, port));
        }
    }

    private List<String> members() {
        return Arrays.stream(hz).mapToObj(p -> "127.0.0.1:" + p).toList();
    }

    /**
     * Connections the first hub takes: every agent (all of them on it when the others are down), but with several
     * hubs no more than this process's descriptors allow; an agent refused fails over to another hub or tries again.
     */
    private int localMaxConnections() {
        int all = agents + 16;
        if (ports.length > 1 && ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            return (int) Math.min(all, os.getMaxFileDescriptorCount() - 2L * DescriptorBudget.MARGIN);
        }
        return all;
    }

    private RemoteHub startRemote(int i, int bridgePort) throws Exception {
        return RemoteHub.start(name(i), spec(i, bridgePort));
    }

    /** Hub {@code i}'s start on bridge port {@code bridgePort} (0: any). */
    private HubSpec spec(int i, int bridgePort) {
        return new HubSpec(
                dir.resolve("hub" + suffix(i)),
                bridgePort,
                tls,
                i == 0 ? localMaxConnections() : agents + 16,
                cluster,
                members(),
                hz[i]);
    }

    /** Waits until the first hub (the one in this process) holds {@code count} connections. */
    void awaitFirstHubConnections(int count) {
        HubServer hub = local;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (hub.connections() != count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub still has " + hub.connections() + " connections");
            }
            try {
                Thread.sleep(20); // the benchmark's own thread waiting for the hub to see closed sockets
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Closes every hub still open, the last first. */
    @Override
    public void close() {
        for (int i = remote.length() - 1; i >= 1; i--) {
            RemoteHub r = remote.getAndSet(i, null);
            if (r != null) {
                r.close();
            }
        }
        if (local != null) {
            local.close();
        }
    }
}
