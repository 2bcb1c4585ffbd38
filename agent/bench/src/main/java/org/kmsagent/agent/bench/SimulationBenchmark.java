package org.kmsagent.agent.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.PriorityQueue;
import java.util.function.Supplier;
import org.kmsagent.agent.host.KmsHost;
import org.kmsagent.agent.host.KmsRequest;
import org.kmsagent.agent.host.KmsResponse;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.simulate.HostFactory;
import org.kmsagent.agent.simulate.LabHosts;
import org.kmsagent.agent.simulate.LabSummary;
import org.kmsagent.agent.simulate.Scenario;
import org.kmsagent.agent.simulate.ScenarioReader;
import org.kmsagent.agent.simulate.SimulationLab;
import org.kmsagent.agent.simulate.command.SimulationWiring;
import org.kmsagent.api.HResult;

/**
 * Simulated events per second for a fleet over 365 days (100,000 machines; 2,000 when quick), beside a bare
 * priority-queue event loop that does no work, run in the same process for the same number of events over the same
 * number of pending timers. Both are timed in CPU seconds of the running thread plus garbage-collection time (see
 * {@code Clock}). Each simulated year is followed at once by its bare loop, and a ratio is that of one such pair
 * ({@link Paired}): the machines this runs on change speed from one minute to the next, and a ratio of two
 * measurements minutes apart measured that as much as the code. Each run starts from a collected heap ({@link
 * #simulate}). Figures: the default lab host (the plain-memory
 * ledger, what {@code simulate} uses) against a target of a quarter of the bare loop (issue 17), the pair of median
 * ratio among three years after a first one, which is reported on its own (see {@code run}); the H2 ledger ({@code
 * --ledger h2}); the engine alone with a host that grants at once (target half the bare loop, taken the same way);
 * the live heap per simulated machine at the end of the first year, against the same a month in (bounded: the
 * same).
 *
 * <p>With growth on (not quick), it also reports the rate at 100,000 machines against 1,000 and 10,000 (target:
 * 0.8 of the 1,000-machine rate), to show how the rate holds as the fleet grows; the smaller fleets' rates are the
 * median of several runs ({@link #runsAt}), run right after the large fleet's years.
 */
public final class SimulationBenchmark implements Benchmark {
    private static final int DAYS = 365;
    /** The day the live heap is measured a first time: every machine has arrived (the first 10 days) and counted. */
    static final int MONTH = 30;
    /** Full-size years measured after the first, for the median the targets are held against. */
    static final int MEASURED_YEARS = 3;

    private final Supplier<List<LoadedFamily>> families;
    private final HostFactory host;

    /**
     * The benchmark over the loaded families and a lab host. {@code kms-agent bench} passes the plugin host's
     * {@code registry()::families} (kept open for the run) and {@link SimulationWiring#host()}.
     */
    public SimulationBenchmark(Supplier<List<LoadedFamily>> families, HostFactory host) {
        this.families = Objects.requireNonNull(families, "families");
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public boolean measuresSimulate() {
        return true;
    }

    @Override
    public String name() {
        return "simulation";
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        List<LoadedFamily> fams = families.get();
        int machines = quick ? 2_000 : 100_000;
        // Warm-up so the JIT has compiled both loops before either is measured.
        simulate(fams, Math.max(200, machines / 50), 60, host, false);
        simulate(fams, Math.max(200, machines / 50), 60, LabHosts.ledgerInMemory(), false);
        bare(Math.max(200, machines / 50), 200_000);

        // The first full-size year is not yet the engine's own speed: the JIT is still compiling what only a large
        // fleet reaches, and the heap grows from the JVM's first size through a full collection. In one JVM on
        // 2026-12-03 the first of four years ran at 1.36 million events/s with 1.42 s of its 4.70 s in collections,
        // the third and fourth at 2.0 million with 0.4 s; a user's single `simulate` sees the first. So the first is
        // reported on its own, and the target is held against the median of the years after it, as the bare loop is
        // measured warm too.
        Paired first = paired(simulate(fams, machines, DAYS, host, true), machines);
        Paired sim = medianPair(fams, machines, host, MEASURED_YEARS);
        // The smaller fleets the growth is held against run now, next to the large fleet's years in time (as each
        // year's bare loop is) and before the runs on other hosts have given the JIT other code to compile: measured
        // at the end of the benchmark until 2026-12-04, 1,000 machines ran at 2.36 to 3.68 million events/s in four
        // runs of one build, and the growth came out at 0.65 to 1.09.
        Map<Integer, Measured> smallerFleets = new LinkedHashMap<>();
        if (!quick) {
            for (int smaller : new int[] {machines / 100, machines / 10}) {
                smallerFleets.put(smaller, medianOf(fams, smaller, host, runsAt(machines, smaller)));
            }
        }
        List<BenchFigure> out = new ArrayList<>();
        out.add(new BenchFigure(
                name(),
                String.format(
                        "simulated events/s, %,d machines x %d days (%,d events), default (memory) ledger, the median"
                                + " ratio of %d years after the first",
                        machines, DAYS, sim.sim().events(), MEASURED_YEARS),
                sim.sim().rate(),
                "events/s",
                "bare priority-queue loop, same events and timers, run right after",
                sim.bareRate(),
                true,
                OptionalDouble.of(0.25)));
        out.add(new BenchFigure(
                name(),
                String.format(
                        "the first of those years in this JVM (JIT compiling, heap growing; %.2f s of %.2f s in"
                                + " collections)",
                        first.sim().gcSeconds(), first.sim().seconds()),
                first.sim().rate(),
                "events/s",
                "bare priority-queue loop, same events and timers, run right after",
                first.bareRate(),
                true,
                OptionalDouble.empty()));
        Measured h2 = simulate(fams, machines, DAYS, LabHosts.ledgerInMemory(), false);
        out.add(new BenchFigure(
                name(),
                String.format("simulated events/s, %,d machines x %d days, --ledger h2", machines, DAYS),
                h2.rate(),
                "events/s",
                "bare priority-queue loop, same events and timers, run right after",
                bareFromCollectedHeap(machines, h2.events()).rate(),
                true,
                OptionalDouble.empty()));
        // The engine alone (scheduler, loops, licensing model, events) with a host that grants at once without
        // counting:
        // shows how much of the cost is the host model and its ledger.
        HostFactory instant = plan -> new KmsHost() {
            @Override
            public String name() {
                return plan.name();
            }

            @Override
            public KmsResponse handle(KmsRequest r, Instant now) {
                int n = r.thresholdClass().minimumCount();
                return new KmsResponse(
                        HResult.S_OK, n, n, plan.activationInterval(), plan.renewalInterval(), plan.name());
            }
        };
        simulate(fams, machines, DAYS, instant, false); // its first year, as above
        Paired engine = medianPair(fams, machines, instant, MEASURED_YEARS);
        out.add(new BenchFigure(
                name(),
                String.format(
                        "engine only (host grants at once), %,d machines x %d days, the median ratio of %d years after the"
                                + " first",
                        machines, DAYS, MEASURED_YEARS),
                engine.sim().rate(),
                "events/s",
                "bare priority-queue loop, same events and timers, run right after",
                engine.bareRate(),
                true,
                OptionalDouble.of(0.5)));
        // Bounded: a simulated machine's state does not grow with the days simulated (the lab's host keeps its tables,
        // not a history of every request), so the heap at the year's end is the heap a month in.
        out.add(new BenchFigure(
                name(),
                String.format("live heap per simulated machine, day %d", DAYS),
                first.sim().heapBytes() / (double) machines,
                "bytes",
                String.format("the same at day %d", MONTH),
                first.sim().monthHeapBytes() / (double) machines,
                false,
                OptionalDouble.empty()));
        smallerFleets.forEach((smaller, measured) -> out.add(new BenchFigure(
                name(),
                String.format("growth: events/s at %,d machines vs at %,d", machines, smaller),
                sim.sim().rate(),
                "events/s",
                String.format("simulation at %,d machines (median of %d runs)", smaller, runsAt(machines, smaller)),
                measured.rate(),
                true,
                OptionalDouble.of(0.8))));
        return out;
    }

    /**
     * How many times a smaller fleet's year is run: a quarter of the large run's events at least, and three runs at
     * least. A year of 1,000 machines takes some 40 ms, and one collection that falls into it, counted whole, moved
     * that single run's rate by half (0.78 to 2.17 million events/s in six runs of 2026-12-03).
     */
    static int runsAt(int machines, int smaller) {
        return Math.max(3, machines / smaller / 4);
    }

    /** The run of median rate among {@code runs} years of the same fleet on that host; the events are the same. */
    private Measured medianOf(List<LoadedFamily> fams, int machines, HostFactory on, int runs) throws Exception {
        List<Measured> years = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            years.add(simulate(fams, machines, DAYS, on, false));
        }
        return Median.by(years, Measured::rate);
    }

    /** The pair of median ratio among {@code runs} years of the same fleet on that host, each with its bare loop. */
    private Paired medianPair(List<LoadedFamily> fams, int machines, HostFactory on, int runs) throws Exception {
        List<Paired> pairs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            pairs.add(paired(simulate(fams, machines, DAYS, on, false), machines));
        }
        return Median.by(pairs, Paired::ratio);
    }

    /** {@code sim} and the bare loop over its events and as many timers as machines, run now. */
    private static Paired paired(Measured sim, int machines) {
        return new Paired(sim, bareFromCollectedHeap(machines, sim.events()).rate());
    }

    /** {@link #bare}, from a collected heap (see {@link #simulate}; the collection is not timed). */
    private static Measured bareFromCollectedHeap(int timers, long events) {
        ProcessMemory.heapAfterGc();
        return bare(timers, events);
    }

    /** A simulated run and the bare loop over the same events and timers, run right after it. */
    record Paired(Measured sim, double bareRate) {
        double ratio() {
            return sim.rate() / bareRate;
        }
    }

    /**
     * CPU time of this thread plus time spent in garbage collection: the machines these run on are shared (load far
     * above the core count), so wall time measures the neighbours more than the code.
     */
    record Clock(long cpuNanos, long gcMillis) {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        static Clock start() {
            return new Clock(THREADS.getCurrentThreadCpuTime(), totalGcMillis());
        }

        double seconds() {
            return (THREADS.getCurrentThreadCpuTime() - cpuNanos) / 1e9 + gcSeconds();
        }

        double gcSeconds() {
            return (totalGcMillis() - gcMillis) / 1e3;
        }

        private static long totalGcMillis() {
            long total = 0;
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                total += Math.max(0, gc.getCollectionTime());
            }
            return total;
        }
    }

    /**
     * Events, CPU seconds (collections included), the seconds of it spent in collections, and the live heap the run held
     * at day {@link #MONTH} and at its last day (0 when not measured).
     */
    record Measured(long events, double seconds, double gcSeconds, long monthHeapBytes, long heapBytes) {
        Measured(long events, double seconds) {
            this(events, seconds, 0, 0, 0);
        }

        double rate() {
            return events / seconds;
        }
    }

    /**
     * A fleet like a mid-size company: 70% Windows clients, 10% servers, 20% PCs with Office 2013, arriving over the
     * first 10 days, on the default host.
     *
     * <p>Each run, simulated or bare, starts from a collected heap, as a user's {@code simulate} does (the collection
     * is not timed). Otherwise a run pays for collecting the labs of the runs before it (all they promoted to the old
     * generation), or does not, as the old generation happens to fill: until 2026-12-04 the engine's years ran at
     * about 0.35 of a bare loop, and at 0.46-0.55 from a collected heap; a 10,000-machine year, a fraction of a
     * second, at 1.4-1.8 or 2.4-3.0 million events/s from one run of the benchmark to the next.
     */
    private Measured simulate(List<LoadedFamily> fams, int machines, int days, HostFactory host, boolean heap)
            throws Exception {
        int servers = Math.max(1, machines / 10);
        int office = machines / 5;
        int clients = machines - servers - office;
        String every = (10 * 24 * 60 * 60 / Math.max(1, machines)) + "s";
        String yaml = String.format("""
        name: benchmark
        seed: 42
        days: %d
        machines:
          - name: pc-{n}
            count: %d
            family: windows-client
            edition: Windows 10 Enterprise
            every: %s
          - name: srv-{n}
            count: %d
            family: windows-server
            edition: Windows Server 2019 Standard
            every: %s
          - name: office-{n}
            count: %d
            products:
              - family: windows-client
                edition: Windows 10 Enterprise
              - family: office2013
                edition: Office 2013 Professional Plus
            every: %s
        """, days, clients, every, servers, every, office, every);
        Scenario s = new ScenarioReader(fams).parse("benchmark", yaml, true);
        long[] seen = {0};
        long before = ProcessMemory.heapAfterGc();
        long[] atMonth = {0};
        long[] atEnd = {0};
        double[] excluded = {0};
        double[] excludedGc = {0};
        Clock c = Clock.start();
        LabSummary summary = new SimulationLab(s, host, e -> seen[0]++).run((d, total, events) -> {
            if (heap && (d == MONTH || d == total)) {
                // Measured while the lab and its host are still live; the collections it forces are not timed.
                Clock m = Clock.start();
                (d == total ? atEnd : atMonth)[0] = ProcessMemory.heapAfterGc() - before;
                excluded[0] += m.seconds();
                excludedGc[0] += m.gcSeconds();
            }
        });
        return new Measured(
                summary.events(), c.seconds() - excluded[0], c.gcSeconds() - excludedGc[0], atMonth[0], atEnd[0]);
    }

    /** The bare loop: pop the earliest timer, push it again a week later, nothing else. */
    static Measured bare(int timers, long events) {
        record Ev(long at, long seq) {}
        PriorityQueue<Ev> q = new PriorityQueue<>(
                timers, (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
        long seq = 0;
        long spread = Duration.ofDays(10).toMillis() / Math.max(1, timers);
        for (int i = 0; i < timers; i++) {
            q.add(new Ev(i * spread, seq++));
        }
        long week = Duration.ofDays(7).toMillis();
        Clock c = Clock.start();
        for (long n = 0; n < events; n++) {
            Ev e = q.poll();
            q.add(new Ev(e.at + week, seq++));
        }
        double seconds = c.seconds();
        if (q.isEmpty()) {
            throw new IllegalStateException("unreachable: keeps the loop from being optimized away");
        }
        return new Measured(events, seconds);
    }
}
