package org.kmsagent.agent.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.ctl.BridgeClient;
import org.kmsagent.agent.ctl.ServerTrust;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.HubServer;

/**
 * Fleet fan-out (issue 6): a hub in this process, N agents connected to it from one child process (each agent its own
 * TLS connection, outbox and registration). Measures the time for one {@code kmsagent.status} query routed to every
 * agent to complete, against the same query routed to one agent; and the hub's heap per connected agent, against
 * the heap per bare authenticated bridge connection. Heap is measured after full GCs, with the agents outside this
 * process so that only the hub's side counts. Targets: under 1 s and under 50 KB per agent with 1,000 agents.
 */
public final class FleetBenchmark implements Benchmark {
    static final String AGENT_TOKEN = "bench-agent-token-0123";
    static final String OPS_TOKEN = "bench-ops-token-012345";

    /** Agents per child process: each holds a socket and an outbox file per agent, under the usual 20,000 descriptors. */
    private static final int PER_CHILD = 5_000;

    /** Descriptors the benchmark's process needs besides one per agent: jars, Hazelcast, event loops, ctl. */
    private static final int DESCRIPTOR_MARGIN = 1_000;

    private final String name;
    private final int fullAgents;
    /** Whether the size was asked for ({@code --agents}): then it runs at that size even when quick. */
    private final boolean sized;
    /** Whether this run also measures durable ingest and a reconnection storm (the scale run). */
    private final boolean scale;
    /** Hubs in one cluster (1 or 2), the agents split evenly between them. */
    private final int hubCount;

    /** The benchmark with 1,000 agents (50 when quick). */
    public FleetBenchmark() {
        this("fleet", 1_000, false, false, 1);
    }

    /**
     * The scale benchmark: fan-out and heap as {@link #FleetBenchmark()}, plus durable ingest and a reconnection
     * storm, with {@code agents} agents; without {@code sized} such a large run does nothing when quick (it takes
     * minutes).
     *
     * @param sized the size was asked for ({@code bench --agents N}): run it even when quick
     */
    public FleetBenchmark(String name, int agents, boolean sized) {
        this(name, agents, sized, true, 1);
    }

    /**
     * The scale benchmark across {@code hubs} hubs clustered on loopback (as docs/fleet.md runs two: one Hazelcast
     * cluster, one certificate), {@code agents} in all, each hub's share given every hub in {@code fleet.hubs}, its own
     * first. The fan-out is asked at the first hub (the other hubs' agents reached by its relay); the storm restarts
     * the last hub only, whose agents come back to it or fail over to another, the view kept by the survivors.
     */
    public FleetBenchmark(String name, int agents, boolean sized, int hubs) {
        this(name, agents, sized, true, hubs);
    }

    private FleetBenchmark(String name, int agents, boolean sized, boolean scale, int hubs) {
        if (hubs < 1 || hubs > 26) {
            throw new IllegalArgumentException("hubs: " + hubs);
        }
        this.name = name;
        this.fullAgents = agents;
        this.sized = sized;
        this.scale = scale;
        this.hubCount = hubs;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        if (quick && scale && !sized) {
            return List.of();
        }
        int agents = quick && !sized ? 50 : fullAgents;
        int rounds = quick ? 3 : 7;
        // The first hub's agents hold sockets in this process; the other hubs' in their own.
        checkDescriptors(Children.share(agents, hubCount, 0));
        int baselineConnections = Math.min(agents, 1_000);
        // On tmpfs where there is one: the agents' outboxes force every event to disk, and thousands of simulated
        // agents on one disk would measure the disk, not the hub.
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "kmsagent-fleet-bench")
                : Files.createTempDirectory("kmsagent-fleet-bench");
        try (Hubs hubs = Hubs.start(dir, agents, hubCount)) {
            HubServer hub = hubs.get(0);
            String at = "127.0.0.1:" + hub.port();
            // Warm-up: the first connections initialise TLS, buffer pools and the bridge's classes once for all.
            try (Child warm = Child.start("idle", 10, at, hub.fingerprint(), dir.resolve("warm"))) {
                awaitConnections(hub, 10);
            }
            awaitConnections(hub, 0);
            long heapEmpty = ProcessMemory.heapAfterGc();
            long directEmpty = ProcessMemory.directMemory();
            long rssEmpty = ProcessMemory.residentMemory();
            ClassHistogram classesEmpty = ClassHistogram.enabled() ? ClassHistogram.take() : null;
            double idleBytes;
            double idleDirect;
            double idleRss;
            try (Child idle = Child.start("idle", baselineConnections, at, hub.fingerprint(), dir.resolve("idle"))) {
                idleBytes = (ProcessMemory.heapAfterGc() - heapEmpty) / (double) baselineConnections;
                if (classesEmpty != null) {
                    printGrowth("per bare connection", ClassHistogram.take(), classesEmpty, baselineConnections);
                }
                idleDirect = (ProcessMemory.directMemory() - directEmpty) / (double) baselineConnections;
                idleRss = (ProcessMemory.residentMemory() - rssEmpty) / (double) baselineConnections;
            }
            awaitConnections(hub, 0);
            long heapBefore = ProcessMemory.heapAfterGc();
            long[][] remoteBefore = new long[hubCount][];
            for (int h = 1; h < hubCount; h++) {
                remoteBefore[h] = hubs.heap(h);
            }
            long directBefore = ProcessMemory.directMemory();
            long rssBefore = ProcessMemory.residentMemory();
            ClassHistogram classesBefore = ClassHistogram.enabled() ? ClassHistogram.take() : null;
            long connecting = System.nanoTime();
            try (Children fleet = Children.start(agents, hubs.addresses(), hub.fingerprint(), dir.resolve("agents"))) {
                double connectSeconds = (System.nanoTime() - connecting) / 1e9;
                if (hubCount > 1) {
                    System.err.printf("%s: connections per hub: %s%n", name, hubs.connections());
                }
                // Each hub's growth over its own agents: the first hub's in this process, the others' in theirs.
                int own = hubCount == 1 ? agents : hub.connections();
                double agentBytes = (ProcessMemory.heapAfterGc() - heapBefore) / (double) own;
                double agentDirect = (ProcessMemory.directMemory() - directBefore) / (double) own;
                double agentRss = (ProcessMemory.residentMemory() - rssBefore) / (double) own;
                if (classesBefore != null) {
                    printGrowth("per agent", ClassHistogram.take(), classesBefore, own);
                }
                List<BenchFigure> remoteHeap = new ArrayList<>();
                for (int h = 1; h < hubCount; h++) {
                    long[] after = hubs.heap(h);
                    double perAgent = (after[0] - remoteBefore[h][0]) / (double) after[1];
                    System.err.printf(
                            "%s: hub %s (a process of its own) heap %.1f KB per agent of its %,d%n",
                            name, hubs.name(h), perAgent / 1024, after[1]);
                    remoteHeap.add(new BenchFigure(
                            name(),
                            String.format(
                                    "hub heap per connected agent at hub %s, a process of its own (its growth over"
                                            + " its own %,d agents) (target < %d KB)",
                                    hubs.name(h), after[1], agents > 1_000 ? 10 : 50),
                            perAgent / 1024,
                            "KB",
                            "hub heap per bare authenticated TLS bridge connection (at the first hub)",
                            idleBytes / 1024,
                            false,
                            OptionalDouble.empty()));
                }
                System.err.printf(
                        "%s: %,d agents registered%s in %.1f s; hub%s heap %.1f KB, direct memory %.1f KB and"
                                + " resident memory growth %.1f KB per agent%s (bare connection: %.1f KB, %.1f KB,"
                                + " %.1f KB)%n",
                        name,
                        agents,
                        hubCount > 1 ? " across " + hubCount + " hubs" : "",
                        connectSeconds,
                        hubCount > 1 ? " " + hubs.name(0) : "",
                        agentBytes / 1024,
                        agentDirect / 1024,
                        agentRss / 1024,
                        hubCount > 1 ? String.format(" of its %,d", own) : "",
                        idleBytes / 1024,
                        idleDirect / 1024,
                        idleRss / 1024);
                ServerTrust trust = new ServerTrust.Pinned(hub.fingerprint());
                try (BridgeClient ctl =
                        BridgeClient.connect("127.0.0.1", hub.port(), trust, OPS_TOKEN, Duration.ofSeconds(60))) {
                    double[] all = new double[rounds];
                    double[] one = new double[rounds];
                    int done = 0;
                    try {
                        System.err.printf(
                                "%s: first fan-out to all %,d agents: %.0f ms%n",
                                name, agents, routed(ctl, null, agents)); // also the warm-up: first publish, JIT
                        routed(ctl, "a1", 1);
                        for (; done < rounds; done++) {
                            all[done] = routed(ctl, null, agents);
                            one[done] = routed(ctl, "a" + (1 + done % agents), 1);
                        }
                    } catch (IllegalStateException e) {
                        if (!scale) {
                            throw e;
                        }
                        // At scale the run goes on to ingest and the storm; the fan-out figure says how far it got.
                        System.err.printf(
                                "%s: fan-out round %d of %d failed: %s%n", name, done + 1, rounds, e.getMessage());
                    }
                    all = Arrays.copyOf(all, done);
                    one = Arrays.copyOf(one, done);
                    List<BenchFigure> figures = new ArrayList<>();
                    if (scale) {
                        figures.add(new BenchFigure(
                                name(),
                                String.format("%,d agents connected and registered, s", agents),
                                connectSeconds,
                                "s",
                                "-",
                                Double.NaN,
                                false,
                                OptionalDouble.empty()));
                        // Durable ingest: every agent records events (outbox first); counted once the hub stored and
                        // acknowledged them all (each agent's outbox empty), then checked in the hub's view.
                        int perAgent = Math.max(5, 20_000 / agents);
                        long total = (long) perAgent * agents;
                        long ingesting = System.nanoTime();
                        long[] hubDone = fleet.events(perAgent, hubCount);
                        double ingestSeconds = (Arrays.stream(hubDone).max().orElseThrow() - ingesting) / 1e9;
                        checkView(hub, agents, total, total);
                        System.err.printf(
                                "%s: %,d events stored and acknowledged in %.1f s%n", name, total, ingestSeconds);
                        figures.add(new BenchFigure(
                                name(),
                                String.format(
                                        "durable ingest: %,d events from %,d agents stored and acknowledged%s,"
                                                + " events/s (target >= 5000%s)",
                                        total,
                                        agents,
                                        hubCount > 1 ? " by " + hubCount + " hubs" : "",
                                        hubCount > 1 ? " per hub" : ""),
                                total / ingestSeconds,
                                "events/s",
                                "-",
                                Double.NaN,
                                true,
                                OptionalDouble.empty()));
                        for (int h = 0; hubCount > 1 && h < hubCount; h++) {
                            // Each hub's share: its own agents' events (all of them wrote at once), until the last
                            // of its agents' processes said every one was acknowledged.
                            long events = (long) perAgent * Children.share(agents, hubCount, h);
                            double seconds = (hubDone[h] - ingesting) / 1e9;
                            figures.add(new BenchFigure(
                                    name(),
                                    String.format(
                                            "durable ingest at hub %s: %,d events from its agents, while the"
                                                    + " other hub ingested too, events/s (target >= 5000)",
                                            hubs.name(h), events),
                                    events / seconds,
                                    "events/s",
                                    "-",
                                    Double.NaN,
                                    true,
                                    OptionalDouble.empty()));
                        }
                        // Reconnection storm: the hub restarts (a new process would lose the cluster map the same way;
                        // a hub other than the first is one: its process exits and a new one starts) on the same port
                        // and certificate; every agent must come back and register once more, and
                        // deliver again from its outbox what the new hub's empty view lacks.
                        // With more than one hub only the last restarts: its agents fail over to the others or
                        // come back to it, and the view (promoted from the survivors' backups) must keep every event.
                        ctl.close();
                        int restart = hubCount - 1;
                        Set<String> moving = hubCount == 1 ? null : agentsOf(hub, hubs.name(restart));
                        int movingCount = moving == null ? agents : moving.size();
                        Instant closing = Instant.now();
                        long closingNanos = System.nanoTime();
                        int port = hubs.close(restart);
                        long restarted = System.nanoTime();
                        // One hub: timed from its restart (no agent can come back before). Several: timed from the
                        // close, as the agents fail over to the others while it closes and starts again; the
                        // restart runs beside the wait, so that its own time (joining the cluster) is not counted
                        // when the agents were back before it.
                        long since = hubCount == 1 ? restarted : closingNanos;
                        long[] startedAgain = {0};
                        CompletableFuture<Void> restarting = hubCount == 1
                                ? CompletableFuture.completedFuture(null)
                                : CompletableFuture.runAsync(
                                        () -> {
                                            try {
                                                hubs.startAgain(restart, port);
                                                startedAgain[0] = System.nanoTime();
                                            } catch (Exception e) {
                                                throw new CompletionException(e);
                                            }
                                        },
                                        r -> new Thread(r, "fleet-bench-hub-restart").start());
                        if (hubCount == 1) {
                            hubs.startAgain(restart, port);
                        }
                        double storm =
                                awaitRegistered(hubs, agents, moving, closing, TimeUnit.MINUTES.toNanos(5), since);
                        System.err.printf(
                                "%s: storm: all %,d agents registered again after %.1f s%s%n",
                                name,
                                movingCount,
                                storm,
                                hubCount > 1 ? "; connections per hub " + hubs.connections() : "");
                        restarting.get(3, TimeUnit.MINUTES);
                        if (hubCount > 1) {
                            System.err.printf(
                                    "%s: hub %s closed in %.1f s, started again (joined the cluster) %.1f s later;"
                                            + " connections per hub now %s%n",
                                    name,
                                    hubs.name(restart),
                                    (restarted - closingNanos) / 1e9,
                                    (startedAgain[0] - restarted) / 1e9,
                                    hubs.connections());
                        }
                        double again = awaitView(hubs.get(0), agents, total, TimeUnit.MINUTES.toNanos(5), since);
                        System.err.printf(
                                "%s: storm: all %,d events in the %s view after %.1f s%n",
                                name, total, hubCount > 1 ? "cluster's" : "new hub's", again);
                        figures.add(new BenchFigure(
                                name(),
                                hubCount == 1
                                        ? String.format(
                                                "reconnection storm after a hub restart: all %,d agents"
                                                        + " back and registered once, s (target < 60 s)",
                                                agents)
                                        : String.format(
                                                "reconnection storm after restarting one of %d hubs: its %,d agents"
                                                        + " back (to it or another hub) and each of the %,d"
                                                        + " registered once cluster-wide, s (target < 60 s)",
                                                hubCount, movingCount, agents),
                                storm,
                                "s",
                                "first connection of the same agents, s",
                                connectSeconds,
                                false,
                                OptionalDouble.empty()));
                        figures.add(new BenchFigure(
                                name(),
                                String.format(
                                        hubCount == 1
                                                ? "after the restart: all %,d events delivered again to the new hub's"
                                                        + " empty view (nothing lost), s"
                                                : "after the restart: all %,d events still in the cluster's view, each"
                                                        + " once (nothing lost), s",
                                        total),
                                again,
                                "s",
                                "-",
                                Double.NaN,
                                false,
                                OptionalDouble.empty()));
                    }
                    figures.addAll(
                            0,
                            List.of(
                                    new BenchFigure(
                                            name(),
                                            "status fan-out to " + agents + " agents"
                                                    + (hubCount > 1
                                                            ? " on " + hubCount + " hubs, asked at one (the others'"
                                                                    + " agents by relay)"
                                                            : "")
                                                    + ", median ms"
                                                    + (done < rounds
                                                            ? " (" + done + " of " + rounds + " rounds answered by all)"
                                                            : "")
                                                    + " (target < 1000 ms)",
                                            Median.of(all),
                                            "ms",
                                            "same query routed to one agent",
                                            Median.of(one),
                                            false,
                                            OptionalDouble.empty()),
                                    new BenchFigure(
                                            name(),
                                            "hub heap per connected agent"
                                                    + (hubCount > 1
                                                            ? " at hub " + hubs.name(0) + ", in the benchmark's"
                                                                    + " process (its growth over its own "
                                                                    + String.format("%,d", own) + " agents)"
                                                            : "")
                                                    + " (target < " + (agents > 1_000 ? 10 : 50) + " KB)",
                                            agentBytes / 1024,
                                            "KB",
                                            "hub heap per bare authenticated TLS bridge connection",
                                            idleBytes / 1024,
                                            false,
                                            OptionalDouble.empty()),
                                    new BenchFigure(
                                            name(),
                                            "hub direct (off-heap) buffer memory per connected agent"
                                                    + (hubCount > 1 ? " at hub " + hubs.name(0) : ""),
                                            agentDirect / 1024,
                                            "KB",
                                            "per bare authenticated TLS bridge connection",
                                            idleDirect / 1024,
                                            false,
                                            OptionalDouble.empty()),
                                    new BenchFigure(
                                            name(),
                                            "hub process resident memory (RSS) growth per connected agent"
                                                    + (hubCount > 1 ? " at hub " + hubs.name(0) : "")
                                                    + " (heap, direct and native together)",
                                            agentRss / 1024,
                                            "KB",
                                            "per bare authenticated TLS bridge connection",
                                            idleRss / 1024,
                                            false,
                                            OptionalDouble.empty())));
                    figures.addAll(2, remoteHeap);
                    return figures;
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Fails at once, not minutes into the run, when this process may not open a socket for each of the first hub's
     * {@code agents}: that hub runs in this JVM, so its agents' connections count against its descriptor limit (20,000
     * on the machine of docs/performance.md); the other hubs run in processes of their own. The margin covers what the
     * JVM, Hazelcast and the event loops hold besides.
     */
    private static void checkDescriptors(int agents) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            long needed = os.getOpenFileDescriptorCount() + agents + DESCRIPTOR_MARGIN;
            if (needed > os.getMaxFileDescriptorCount()) {
                throw new IllegalStateException(String.format(
                        "%,d agents need about %,d file descriptors in this process (the hubs' sockets), but its"
                                + " limit is %,d: raise it (ulimit -n) or run fewer (--agents)",
                        agents, needed, os.getMaxFileDescriptorCount()));
            }
        }
    }

    /**
     * Waits until the hubs hold {@code agents} connections in all and the cluster as many agent records (one per agent
     * id: a second registration of one agent rewrites its record), and every agent of {@code moving} (null: all) has
     * registered since {@code closing}; returns the seconds since {@code since}. The records' times are read only once
     * the counts are right (reading every record on every poll would load the hubs it measures).
     */
    private static double awaitRegistered(
            Hubs hubs, int agents, Set<String> moving, Instant closing, long timeoutNanos, long since)
            throws Exception {
        var records = hubs.get(0)
                .vertx()
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + timeoutNanos;
        int stale = -1;
        while (true) {
            int registered = records.size().await(30, TimeUnit.SECONDS);
            int connections = hubs.connectionCount();
            if (connections == agents && registered == agents) {
                if (moving == null) {
                    return (System.nanoTime() - since) / 1e9;
                }
                double s = (System.nanoTime() - since) / 1e9;
                stale = 0;
                for (var e : records.entries().await(60, TimeUnit.SECONDS).entrySet()) {
                    if (moving.contains(e.getKey())
                            && Instant.parse(e.getValue().getString("registeredAt"))
                                    .isBefore(closing)) {
                        stale++;
                    }
                }
                if (stale == 0) {
                    return s;
                }
            }
            if (registered > agents) {
                throw new IllegalStateException(
                        "reconnection storm: " + registered + " records for " + agents + " agents");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reconnection storm: after " + timeoutNanos / 1_000_000_000L + " s, "
                        + connections + " connections and " + registered + " of " + agents + " agents registered"
                        + (stale > 0 ? ", " + stale + " of the restarted hub's not registered again" : ""));
            }
            Thread.sleep(200); // the benchmark's own thread polling the hub's figures
        }
    }

    /** The agents whose record in the cluster's view names hub {@code hubName}. */
    private static Set<String> agentsOf(HubServer any, String hubName) throws Exception {
        Set<String> ids = new HashSet<>();
        any.vertx()
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(30, TimeUnit.SECONDS)
                .entries()
                .await(60, TimeUnit.SECONDS)
                .forEach((id, r) -> {
                    if (hubName.equals(r.getString("hub"))) {
                        ids.add(id);
                    }
                });
        return ids;
    }

    /**
     * Checks the hub's view: every agent's record acknowledges {@code acked} events in all (sum of lastSeq) and keeps
     * {@code historic} of them as history; throws otherwise.
     */
    private static void checkView(HubServer hub, int agents, long acked, long historic) throws Exception {
        long[] sums = viewSums(hub);
        if (sums[0] != agents || sums[1] != acked || sums[2] != historic) {
            throw new IllegalStateException("the hub's view holds " + sums[0] + " agents, " + sums[1]
                    + " events acknowledged, " + sums[2] + " in history; expected " + agents + ", " + acked + ", "
                    + historic);
        }
    }

    /** {records, sum of lastSeq, sum of historyCount} in the hub's view. */
    private static long[] viewSums(HubServer hub) throws Exception {
        var records = hub.vertx()
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(30, TimeUnit.SECONDS)
                .entries()
                .await(60, TimeUnit.SECONDS);
        long acked = 0;
        long historic = 0;
        for (JsonObject r : records.values()) {
            acked += r.getLong("lastSeq", 0L);
            historic += r.getLong("historyCount", 0L);
        }
        return new long[] {records.size(), acked, historic};
    }

    /** Waits until the hub's view holds every event again (after a restart); returns the seconds since {@code since}. */
    private static double awaitView(HubServer hub, int agents, long events, long timeoutNanos, long since)
            throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long[] sums = viewSums(hub);
            if (sums[1] >= events && sums[2] >= events) {
                double s = (System.nanoTime() - since) / 1e9;
                checkView(hub, agents, events, events); // once each: no more than written
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "after the restart, the view holds " + sums[1] + " of " + events + " events");
            }
            Thread.sleep(500); // the benchmark's own thread polling the hub's figures
        }
    }

    /**
     * The hubs of one run, clustered on loopback under one cluster name, each with its own Hazelcast port and every
     * hub's port as members. One hub makes its own self-signed certificate (as it always did); several share one, as
     * docs/fleet.md has an administrator give them, so that agents pin one fingerprint for all. The first hub runs in
     * this process (its heap is the one measured here); every other one in a process of its own ({@link HubProcess}),
     * as each hub of a real deployment is its own {@code kms-agent hub}: its own heap, collector and descriptors.
     */
    private static final class Hubs implements AutoCloseable {
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

        private Hubs(Path dir, int agents, int count, TlsConfig tls) {
            this.dir = dir;
            this.agents = agents;
            this.tls = tls;
            this.remote = new AtomicReferenceArray<>(count);
            this.ports = new int[count];
            this.hz = new int[count];
        }

        static Hubs start(Path dir, int agents, int count) throws Exception {
            TlsConfig tls = null;
            if (count > 1) {
                TlsMaterial shared = TlsMaterial.load(new TlsConfig(null, null, null), dir.resolve("shared"));
                tls = new TlsConfig(
                        shared.certFile().toString(), shared.keyFile().toString(), null);
            }
            Hubs h = new Hubs(dir, agents, count, tls);
            try {
                for (int i = 0; i < count; i++) {
                    h.hz[i] = freePort();
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
            hz[i] = freePort();
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
            if (ports.length > 1
                    && ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
                return (int) Math.min(all, os.getMaxFileDescriptorCount() - 2L * DESCRIPTOR_MARGIN);
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

        private static int freePort() throws Exception {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
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

    /**
     * A hub's process ({@link HubProcess}), started like the agents' ({@link Child}): this JVM's java and class path,
     * and its heap, collector and module flags (those the launcher gives {@code kms-agent hub} and {@code bench}).
     */
    private static final class RemoteHub {
        private final String name;
        private final Process process;
        private final BufferedReader out;
        private final Path log;
        private final int port;

        private RemoteHub(String name, Process process, BufferedReader out, Path log, int port) {
            this.name = name;
            this.process = process;
            this.out = out;
            this.log = log;
            this.port = port;
        }

        static RemoteHub start(String name, HubSpec spec) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmFlags());
            cmd.addAll(List.of(
                    "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    HubProcess.class.getName(),
                    name));
            cmd.addAll(spec.args());
            Path dataDir = spec.dataDir();
            Files.createDirectories(dataDir);
            Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("ready ")) {
                String status = p.waitFor(5, TimeUnit.SECONDS) ? "exit status " + p.exitValue() : "still running";
                p.destroyForcibly();
                throw new IllegalStateException("hub " + name + "'s process did not get ready (it said " + line + "; "
                        + status + "): " + Files.readString(log));
            }
            return new RemoteHub(name, p, out, log, Integer.parseInt(line.split(" ")[1]));
        }

        /**
         * This JVM's flags a hub's process takes too: heap size, collector and other -XX options, module options and
         * properties; not the agents (debugger, coverage, JFR) nor the class-data archive this process writes.
         */
        private static List<String> jvmFlags() {
            return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-Xm")
                            || a.startsWith("-Xss")
                            || a.startsWith("-XX:")
                            || a.startsWith("--add-")
                            || a.startsWith("--enable-native-access")
                            || a.startsWith("--sun-misc-unsafe")
                            || a.startsWith("-Dkmsagent.home="))
                    .filter(a -> !a.contains("FlightRecord")
                            && !a.contains("ArchiveClasses")
                            && !a.contains("SharedArchiveFile"))
                    .toList();
        }

        int port() {
            return port;
        }

        int connections() throws Exception {
            return Integer.parseInt(ask("connections").split(" ")[1]);
        }

        long[] heap() throws Exception {
            String[] words = ask("heap").split(" ");
            return new long[] {Long.parseLong(words[1]), Long.parseLong(words[2])};
        }

        private synchronized String ask(String command) throws Exception {
            process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            String line = out.readLine();
            if (line == null || !line.startsWith(command + " ")) {
                throw new IllegalStateException(
                        "hub " + name + "'s process said " + line + " to " + command + ": " + Files.readString(log));
            }
            return line;
        }

        /** Asks the hub to close (it leaves the cluster) and waits for its process to exit; kills it if it does not. */
        synchronized void close() {
            try {
                process.getOutputStream().write("close\n".getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One routed status query; returns its wall time in ms, after checking every expected agent answered. A query to
     * one agent is tried up to three times: with thousands of agents on a loaded machine, the one asked may be between
     * two connections (its link reconnects after a missed heartbeat).
     */
    private static double routed(BridgeClient ctl, String target, int expected) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return routedOnce(ctl, target, expected);
            } catch (IllegalStateException e) {
                if (target == null || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static double routedOnce(BridgeClient ctl, String target, int expected) throws Exception {
        JsonObject body = new JsonObject().put("address", BusAddresses.STATUS).put("deadlineMs", 30_000);
        if (target != null) {
            body.put("target", target);
        }
        long t0 = System.nanoTime();
        JsonObject report = ctl.request(FleetAddresses.ROUTE_QUERY, body);
        double ms = (System.nanoTime() - t0) / 1e6;
        int answered = report.getJsonArray("answered").size();
        if (answered != expected) {
            throw new IllegalStateException(
                    "fan-out: " + answered + " of " + expected + " agents answered; not answered: "
                            + report.getJsonArray("notAnswered").size());
        }
        return ms;
    }

    /** Prints the classes that grew most per connection (with {@code -Dkmsagent.bench.histogram=true}). */
    private void printGrowth(String what, ClassHistogram after, ClassHistogram before, int connections) {
        System.err.printf("%s: hub heap %s, by class (top 15):%n", name, what);
        after.growthPer(before, connections, 15).forEach(line -> System.err.println("  " + line));
    }

    private static void awaitConnections(HubServer hub, int count) {
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

    /**
     * The agents, {@value #PER_CHILD} per process at most, named a1.., b1.., and so on; with several hubs, each hub's
     * share in processes of its own, given every hub in {@code fleet.hubs} with its own first.
     */
    private record Children(List<Child> children, int[] hubOf) implements AutoCloseable {
        static Children start(int agents, List<String> hubs, String fingerprint, Path dataDir) throws Exception {
            List<Child> started = new ArrayList<>();
            List<Integer> hubOf = new ArrayList<>();
            try {
                int n = 0;
                for (int h = 0; h < hubs.size(); h++) {
                    List<String> order = new ArrayList<>(hubs);
                    Collections.rotate(order, -h);
                    String hubList = String.join(",", order);
                    int share = share(agents, hubs.size(), h);
                    for (int first = 0; first < share; first += PER_CHILD, n++) {
                        String prefix = String.valueOf((char) ('a' + n));
                        started.add(Child.start(
                                "fleet",
                                Math.min(PER_CHILD, share - first),
                                prefix,
                                hubList,
                                fingerprint,
                                dataDir.resolve(prefix)));
                        hubOf.add(h);
                    }
                }
            } catch (Exception e) {
                for (Child c : started) {
                    c.close();
                }
                throw e;
            }
            return new Children(
                    started, hubOf.stream().mapToInt(Integer::intValue).toArray());
        }

        /** Hub {@code h}'s share of {@code agents} over {@code hubs} hubs (the first ones take the remainder). */
        static int share(int agents, int hubs, int h) {
            return agents / hubs + (h < agents % hubs ? 1 : 0);
        }

        /**
         * Every agent records {@code perAgent} events; returns once the hubs acknowledged all of them, with the
         * {@link System#nanoTime()} at which the last of each hub's processes (by its agents' first hub) said so.
         */
        long[] events(int perAgent, int hubs) throws Exception {
            for (Child c : children) {
                c.command("events " + perAgent);
            }
            // One reader per process (not the common pool: it has one thread on two cores), so that each hub's
            // time is when its own processes finished, not when another's was read.
            var readers = Executors.newFixedThreadPool(children.size());
            long[] done = new long[hubs];
            try {
                List<Future<Long>> acked = new ArrayList<>();
                for (Child c : children) {
                    acked.add(readers.submit(() -> {
                        c.expect("acked ");
                        return System.nanoTime();
                    }));
                }
                for (int i = 0; i < children.size(); i++) {
                    long at;
                    try {
                        at = acked.get(i).get(25, TimeUnit.MINUTES); // each process gives up after 20
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Exception cause ? cause : e;
                    }
                    done[hubOf[i]] = Math.max(done[hubOf[i]], at);
                }
            } finally {
                readers.shutdownNow();
            }
            return done;
        }

        @Override
        public void close() throws Exception {
            for (Child c : children) {
                c.close();
            }
        }
    }

    /** The agents' process. */
    private record Child(Process process, BufferedReader out, Path log) implements AutoCloseable {
        static Child start(String mode, int count, String hubAt, String fingerprint, Path dataDir) throws Exception {
            return start(mode, count, "a", hubAt, fingerprint, dataDir);
        }

        static Child start(String mode, int count, String prefix, String hubAt, String fingerprint, Path dataDir)
                throws Exception {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + Math.max(512, count / 8) + "m",
                    "-XX:+UseSerialGC",
                    "-XX:-UsePerfData",
                    "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    SimulatedAgents.class.getName(),
                    mode,
                    Integer.toString(count),
                    prefix,
                    hubAt,
                    AGENT_TOKEN,
                    fingerprint,
                    dataDir.toString()));
            Files.createDirectories(dataDir);
            Path log = dataDir.resolve("process.log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("ready")) {
                // Its exit status tells a crash (1, with its stack trace in the log) from a kill (137: the OOM
                // killer or another process) when the log is empty.
                String status = p.waitFor(5, TimeUnit.SECONDS) ? "exit status " + p.exitValue() : "still running";
                p.destroyForcibly();
                throw new IllegalStateException("the agents' process did not get ready (it said " + line + "; " + status
                        + "): " + Files.readString(log));
            }
            return new Child(p, out, log);
        }

        void command(String line) throws Exception {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        String expect(String prefix) throws Exception {
            String line = out.readLine();
            if (line == null || !line.startsWith(prefix)) {
                throw new IllegalStateException(
                        "the agents' process said " + line + " instead of " + prefix + "...: " + Files.readString(log));
            }
            return line;
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
