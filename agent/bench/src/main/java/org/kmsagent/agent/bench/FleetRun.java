package org.kmsagent.agent.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.ctl.BridgeClient;
import org.kmsagent.agent.ctl.ServerTrust;
import org.kmsagent.agent.hub.HubServer;

/**
 * One run of {@link FleetBenchmark} on hubs already started, phase by phase: the bare-connection baseline, connecting
 * the agents, the hubs' memory per agent, the status fan-out and, in the scale run, durable ingest, the reconnection
 * storm and the final check of the view. What differs with several hubs is in {@link HubLayout}.
 */
final class FleetRun {
    private final String bench;
    private final int agents;
    private final int rounds;
    private final boolean scale;
    private final BenchHubs hubs;
    private final HubLayout layout;
    private final Path dir;
    /** The first hub, in this process: the agents' first connections and the ops client go to it. */
    private final HubServer hub;

    FleetRun(String bench, int agents, int rounds, boolean scale, BenchHubs hubs, Path dir) {
        this.bench = bench;
        this.agents = agents;
        this.rounds = rounds;
        this.scale = scale;
        this.hubs = hubs;
        this.layout = new HubLayout(hubs);
        this.dir = dir;
        this.hub = hubs.get(0);
    }

    List<BenchFigure> run() throws Exception {
        ProcessMemory.PerConnection bare = bareConnections();
        HubsBefore before = hubsBefore();
        long connecting = System.nanoTime();
        try (AgentProcesses fleet =
                AgentProcesses.start(agents, hubs.addresses(), hub.fingerprint(), dir.resolve("agents"))) {
            double connectSeconds = (System.nanoTime() - connecting) / 1e9;
            layout.logConnections(bench);
            List<BenchFigure> memory = memoryPerAgent(before, bare, connectSeconds);
            ServerTrust trust = new ServerTrust.Pinned(hub.fingerprint());
            try (BridgeClient ctl = BridgeClient.connect(
                    "127.0.0.1", hub.port(), trust, FleetBenchmark.OPS_TOKEN, Duration.ofSeconds(60))) {
                StatusFanOut fanOut = StatusFanOut.measure(bench, ctl, agents, rounds, scale);
                List<BenchFigure> figures = new ArrayList<>();
                figures.add(fanOutFigure(fanOut));
                figures.addAll(memory);
                if (scale) {
                    figures.add(figure(
                            String.format("%,d agents connected and registered, s", agents), connectSeconds, "s"));
                    long events = ingest(fleet, figures);
                    ctl.close(); // the fan-out is done; with one hub, the storm closes the hub this client is
                    // connected to
                    figures.addAll(storm(events, connectSeconds));
                }
                return figures;
            }
        }
    }

    /**
     * Connect phase, without agents: a warm-up (the first connections initialise TLS, buffer pools and the bridge's
     * classes once for all), then the first hub's growth per bare authenticated TLS bridge connection (which carries no
     * agent): the baseline of the memory figures.
     */
    private ProcessMemory.PerConnection bareConnections() throws Exception {
        String at = "127.0.0.1:" + hub.port();
        try (AgentProcess warm = AgentProcess.start("idle", 10, at, hub.fingerprint(), dir.resolve("warm"))) {
            hubs.awaitFirstHubConnections(10);
        }
        hubs.awaitFirstHubConnections(0);
        int connections = Math.min(agents, 1_000);
        ProcessMemory.Reading empty = ProcessMemory.Reading.take();
        ClassHistogram classesEmpty = ClassHistogram.enabled() ? ClassHistogram.take() : null;
        ProcessMemory.PerConnection perConnection;
        try (AgentProcess idle = AgentProcess.start("idle", connections, at, hub.fingerprint(), dir.resolve("idle"))) {
            perConnection = ProcessMemory.Reading.take().since(empty, connections);
            if (classesEmpty != null) {
                printGrowth("per bare connection", ClassHistogram.take(), classesEmpty, connections);
            }
        }
        hubs.awaitFirstHubConnections(0);
        return perConnection;
    }

    /** The hubs' memory before the agents connect: the first hub's in this process, the others' heaps in theirs. */
    private record HubsBefore(ProcessMemory.Reading first, long[][] othersHeap, ClassHistogram classes) {}

    private HubsBefore hubsBefore() throws Exception {
        ProcessMemory.Reading first = ProcessMemory.Reading.take();
        long[][] othersHeap = new long[hubs.count()][];
        for (int h = 1; h < hubs.count(); h++) {
            othersHeap[h] = hubs.heap(h);
        }
        return new HubsBefore(first, othersHeap, ClassHistogram.enabled() ? ClassHistogram.take() : null);
    }

    /**
     * Heap phase: each hub's growth over its own agents, the first hub's in this process, the others' in theirs;
     * returns the memory figures, the first hub's heap first, then the other hubs', then the first hub's direct and
     * resident memory.
     */
    private List<BenchFigure> memoryPerAgent(
            HubsBefore before, ProcessMemory.PerConnection perBare, double connectSeconds) throws Exception {
        int own = layout.firstHubAgents(agents);
        ProcessMemory.PerConnection perAgent = ProcessMemory.Reading.take().since(before.first(), own);
        if (before.classes() != null) {
            printGrowth("per agent", ClassHistogram.take(), before.classes(), own);
        }
        int heapTargetKb = agents > 1_000 ? 10 : 50;
        List<BenchFigure> figures = new ArrayList<>();
        figures.add(new BenchFigure(
                bench,
                "hub heap per connected agent" + layout.heapWhere(own) + " (target < " + heapTargetKb + " KB)",
                perAgent.heap() / 1024,
                "KB",
                "hub heap per bare authenticated TLS bridge connection",
                perBare.heap() / 1024,
                false,
                OptionalDouble.empty()));
        for (int h = 1; h < hubs.count(); h++) {
            long[] after = hubs.heap(h);
            double heapPerAgent = (after[0] - before.othersHeap()[h][0]) / (double) after[1];
            System.err.printf(
                    "%s: hub %s (a process of its own) heap %.1f KB per agent of its %,d%n",
                    bench, hubs.name(h), heapPerAgent / 1024, after[1]);
            figures.add(new BenchFigure(
                    bench,
                    String.format(
                            "hub heap per connected agent at hub %s, a process of its own (its growth over its own"
                                    + " %,d agents) (target < %d KB)",
                            hubs.name(h), after[1], heapTargetKb),
                    heapPerAgent / 1024,
                    "KB",
                    "hub heap per bare authenticated TLS bridge connection (at the first hub)",
                    perBare.heap() / 1024,
                    false,
                    OptionalDouble.empty()));
        }
        System.err.printf(
                "%s: %,d agents registered%s in %.1f s; hub%s heap %.1f KB, direct memory %.1f KB and"
                        + " resident memory growth %.1f KB per agent%s (bare connection: %.1f KB, %.1f KB,"
                        + " %.1f KB)%n",
                bench,
                agents,
                layout.acrossHubs(),
                connectSeconds,
                layout.firstHubName(),
                perAgent.heap() / 1024,
                perAgent.direct() / 1024,
                perAgent.resident() / 1024,
                layout.ofItsOwn(own),
                perBare.heap() / 1024,
                perBare.direct() / 1024,
                perBare.resident() / 1024);
        figures.add(new BenchFigure(
                bench,
                "hub direct (off-heap) buffer memory per connected agent" + layout.atFirstHub(),
                perAgent.direct() / 1024,
                "KB",
                "per bare authenticated TLS bridge connection",
                perBare.direct() / 1024,
                false,
                OptionalDouble.empty()));
        figures.add(new BenchFigure(
                bench,
                "hub process resident memory (RSS) growth per connected agent" + layout.atFirstHub()
                        + " (heap, direct and native together)",
                perAgent.resident() / 1024,
                "KB",
                "per bare authenticated TLS bridge connection",
                perBare.resident() / 1024,
                false,
                OptionalDouble.empty()));
        return figures;
    }

    private BenchFigure fanOutFigure(StatusFanOut fanOut) {
        return new BenchFigure(
                bench,
                "status fan-out to " + agents + " agents" + layout.fanOutWhere() + ", median ms"
                        + (fanOut.done() < rounds
                                ? " (" + fanOut.done() + " of " + rounds + " rounds answered by all)"
                                : "")
                        + " (target < 1000 ms)",
                Median.of(fanOut.all()),
                "ms",
                "same query routed to one agent",
                Median.of(fanOut.one()),
                false,
                OptionalDouble.empty());
    }

    /**
     * Ingest phase: every agent records events (outbox first); counted once the hubs stored and acknowledged them all
     * (each agent's outbox empty), then checked in the view. Adds its figures; returns the events written.
     */
    private long ingest(AgentProcesses fleet, List<BenchFigure> figures) throws Exception {
        int perAgent = Math.max(5, 20_000 / agents);
        long total = (long) perAgent * agents;
        long ingesting = System.nanoTime();
        long[] hubDone = fleet.events(perAgent, hubs.count());
        double ingestSeconds = (Arrays.stream(hubDone).max().orElseThrow() - ingesting) / 1e9;
        FleetViewCheck.checkView(hub, agents, total, total);
        System.err.printf("%s: %,d events stored and acknowledged in %.1f s%n", bench, total, ingestSeconds);
        figures.add(ingestFigure(
                String.format(
                        "durable ingest: %,d events from %,d agents stored and acknowledged%s, events/s (target >="
                                + " 5000%s)",
                        total, agents, layout.ingestBy(), layout.ingestTargetPer()),
                total / ingestSeconds));
        for (int h = 0; layout.ingestPerHub() && h < hubs.count(); h++) {
            // Each hub's share: its own agents' events (all of them wrote at once), until the last of its agents'
            // processes said every one was acknowledged.
            long events = (long) perAgent * AgentProcesses.share(agents, hubs.count(), h);
            double seconds = (hubDone[h] - ingesting) / 1e9;
            figures.add(ingestFigure(
                    String.format(
                            "durable ingest at hub %s: %,d events from its agents, while the other hub ingested too,"
                                    + " events/s (target >= 5000)",
                            hubs.name(h), events),
                    events / seconds));
        }
        return total;
    }

    /**
     * Storm phase: a hub restarts (a new process would lose the cluster map the same way; a hub other than the first is
     * one: its process exits and a new one starts) on the same port and certificate; every agent must come back and
     * register once more, and deliver again from its outbox what the new hub's empty view lacks. With more than one hub
     * only the last restarts: its agents fail over to the others or come back to it, and the view (promoted from the
     * survivors' backups) must keep every event. Returns the storm's figure and the final check's.
     */
    private List<BenchFigure> storm(long events, double connectSeconds) throws Exception {
        Set<String> moving = layout.movingAgents();
        int movingCount = moving == null ? agents : moving.size();
        Instant closing = Instant.now();
        long closingNanos = System.nanoTime();
        int port = hubs.close(layout.restartedHub());
        long restarted = System.nanoTime();
        long since = layout.stormSince(closingNanos, restarted);
        CompletableFuture<Long> startedAgain = layout.startAgain(port);
        double storm =
                FleetViewCheck.awaitRegistered(hubs, agents, moving, closing, TimeUnit.MINUTES.toNanos(5), since);
        System.err.printf(
                "%s: storm: all %,d agents registered again after %.1f s%s%n",
                bench, movingCount, storm, layout.afterStorm());
        layout.logRestart(bench, closingNanos, restarted, startedAgain.get(3, TimeUnit.MINUTES));
        return List.of(
                new BenchFigure(
                        bench,
                        layout.stormFigure(agents, movingCount),
                        storm,
                        "s",
                        "first connection of the same agents, s",
                        connectSeconds,
                        false,
                        OptionalDouble.empty()),
                finalCheck(events, since));
    }

    /** Final check: every event is in the view again after the restart, each once. */
    private BenchFigure finalCheck(long events, long since) throws Exception {
        double again = FleetViewCheck.awaitView(hubs.get(0), agents, events, TimeUnit.MINUTES.toNanos(5), since);
        System.err.printf(
                "%s: storm: all %,d events in the %s view after %.1f s%n",
                bench, events, layout.viewAfterRestart(), again);
        return figure(layout.afterRestartFigure(events), again, "s");
    }

    /** A figure with no baseline, where lower is better. */
    private BenchFigure figure(String what, double value, String unit) {
        return new BenchFigure(bench, what, value, unit, "-", Double.NaN, false, OptionalDouble.empty());
    }

    /** An ingest rate, events/s, with no baseline (higher is better). */
    private BenchFigure ingestFigure(String what, double eventsPerSecond) {
        return new BenchFigure(bench, what, eventsPerSecond, "events/s", "-", Double.NaN, true, OptionalDouble.empty());
    }

    /** Prints the classes that grew most per connection (with {@code -Dkmsagent.bench.histogram=true}). */
    private void printGrowth(String what, ClassHistogram after, ClassHistogram before, int connections) {
        System.err.printf("%s: hub heap %s, by class (top 15):%n", bench, what);
        after.growthPer(before, connections, 15).forEach(line -> System.err.println("  " + line));
    }
}
