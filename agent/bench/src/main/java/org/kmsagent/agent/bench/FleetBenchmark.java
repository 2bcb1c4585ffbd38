package org.kmsagent.agent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

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

    /** The 10,000- and 20,000-agent runs take minutes: with {@code --quick}, only when their size is given. */
    @Override
    public boolean runsWhenQuick() {
        return !scale || sized;
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        if (quick && !runsWhenQuick()) {
            return List.of();
        }
        int agents = quick && !sized ? 50 : fullAgents;
        int rounds = quick ? 3 : 7;
        // The first hub's agents hold sockets in this process; the other hubs' in their own.
        DescriptorBudget.check(AgentProcesses.share(agents, hubCount, 0));
        // On tmpfs where there is one: the agents' outboxes force every event to disk, and thousands of simulated
        // agents on one disk would measure the disk, not the hub.
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "kmsagent-fleet-bench")
                : Files.createTempDirectory("kmsagent-fleet-bench");
        try (BenchHubs hubs = BenchHubs.start(dir, agents, hubCount)) {
            return new FleetRun(name, agents, rounds, scale, hubs, dir).run();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
