package org.kmsagent.agent.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.BusAddresses;
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
        DescriptorBudget.check(AgentProcesses.share(agents, hubCount, 0));
        int baselineConnections = Math.min(agents, 1_000);
        // On tmpfs where there is one: the agents' outboxes force every event to disk, and thousands of simulated
        // agents on one disk would measure the disk, not the hub.
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "kmsagent-fleet-bench")
                : Files.createTempDirectory("kmsagent-fleet-bench");
        try (BenchHubs hubs = BenchHubs.start(dir, agents, hubCount)) {
            HubServer hub = hubs.get(0);
            String at = "127.0.0.1:" + hub.port();
            // Warm-up: the first connections initialise TLS, buffer pools and the bridge's classes once for all.
            try (AgentProcess warm = AgentProcess.start("idle", 10, at, hub.fingerprint(), dir.resolve("warm"))) {
                hubs.awaitFirstHubConnections(10);
            }
            hubs.awaitFirstHubConnections(0);
            long heapEmpty = ProcessMemory.heapAfterGc();
            long directEmpty = ProcessMemory.directMemory();
            long rssEmpty = ProcessMemory.residentMemory();
            ClassHistogram classesEmpty = ClassHistogram.enabled() ? ClassHistogram.take() : null;
            double idleBytes;
            double idleDirect;
            double idleRss;
            try (AgentProcess idle =
                    AgentProcess.start("idle", baselineConnections, at, hub.fingerprint(), dir.resolve("idle"))) {
                idleBytes = (ProcessMemory.heapAfterGc() - heapEmpty) / (double) baselineConnections;
                if (classesEmpty != null) {
                    printGrowth("per bare connection", ClassHistogram.take(), classesEmpty, baselineConnections);
                }
                idleDirect = (ProcessMemory.directMemory() - directEmpty) / (double) baselineConnections;
                idleRss = (ProcessMemory.residentMemory() - rssEmpty) / (double) baselineConnections;
            }
            hubs.awaitFirstHubConnections(0);
            long heapBefore = ProcessMemory.heapAfterGc();
            long[][] remoteBefore = new long[hubCount][];
            for (int h = 1; h < hubCount; h++) {
                remoteBefore[h] = hubs.heap(h);
            }
            long directBefore = ProcessMemory.directMemory();
            long rssBefore = ProcessMemory.residentMemory();
            ClassHistogram classesBefore = ClassHistogram.enabled() ? ClassHistogram.take() : null;
            long connecting = System.nanoTime();
            try (AgentProcesses fleet =
                    AgentProcesses.start(agents, hubs.addresses(), hub.fingerprint(), dir.resolve("agents"))) {
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
                        FleetViewCheck.checkView(hub, agents, total, total);
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
                            long events = (long) perAgent * AgentProcesses.share(agents, hubCount, h);
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
                        Set<String> moving = hubCount == 1 ? null : FleetViewCheck.agentsOf(hub, hubs.name(restart));
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
                        double storm = FleetViewCheck.awaitRegistered(
                                hubs, agents, moving, closing, TimeUnit.MINUTES.toNanos(5), since);
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
                        double again = FleetViewCheck.awaitView(
                                hubs.get(0), agents, total, TimeUnit.MINUTES.toNanos(5), since);
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
}
