package org.kmsagent.agent.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.kmsagent.agent.host.EntryListener;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.KmsHost;
import org.kmsagent.agent.host.KmsRequest;
import org.kmsagent.agent.host.KmsResponse;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.host.PoolEntry;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedNetwork;
import org.kmsagent.agent.licensing.simulated.SimulatedProduct;
import org.kmsagent.agent.licensing.simulated.SimulatedWorld;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.renewal.Diagnosis;
import org.kmsagent.agent.renewal.MakFallbackPolicy;
import org.kmsagent.agent.renewal.RenewalEvent;
import org.kmsagent.agent.renewal.RenewalLoop;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.Sku;
import org.kmsagent.api.WindowsVersion;

/**
 * The lab behind {@code kms-agent simulate}: one KMS host, a simulated network and DNS, and a fleet of simulated
 * machines each running a {@link RenewalLoop} per installed product, all on one {@link VirtualClockScheduler}.
 *
 * <p>Deterministic: every random draw comes from one {@link SplittableRandom} seeded by the scenario, drawn in
 * declaration order before the clock starts, and the scheduler breaks ties by scheduling order; so the same
 * scenario and seed give the same event stream.
 */
public final class SimulationLab {
    private final Scenario scenario;
    private final HostFactory hosts;
    private final Consumer<LabEvent> sink;
    private final VirtualClockScheduler scheduler;
    private final SimulatedWorld world;
    private final List<Member> members = new ArrayList<>();
    private final Map<String, int[]> poolThresholds = new LinkedHashMap<>();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    // Per-family facts resolved once, not per machine or per event (each resolution through LoadedFamily.call switches
    // the thread's context class loader): the tally, and which licensing service holds the family per Windows version.
    private final Map<LoadedFamily, Tally> tallyOf = new IdentityHashMap<>();
    private final Map<LoadedFamily, Map<WindowsVersion, LicensingService>> services = new IdentityHashMap<>();
    // Per edition (the catalog's own Sku object) and Windows version: the product every machine installs.
    private final Map<Sku, Map<WindowsVersion, SimulatedProduct>> products = new IdentityHashMap<>();
    // Per host and pool: the last count that host reported and the thresholds. Each host keeps its own table
    // (docs/kms-rules.md §1.2), so one host's count never crosses a threshold against another's. Looked up per
    // reported count (every activation and renewal): by host, then pool, so the look-up builds no key.
    private final Map<String, Map<String, PoolWatch>> watches = new HashMap<>();

    /** What the lab watches of one host's count of one pool. */
    private static final class PoolWatch {
        final String host;
        final String pool;
        final int[] thresholds;
        // The count as the lab last knew it (reported to a client, at the start, or after entries aged out), against
        // which a threshold crossing is told; the count last reported to a client (-1: none yet), and when, as the
        // number of that report among all the lab's (0: none).
        int last;
        int reported = -1;
        long reportedOrder;

        PoolWatch(String host, String pool, int[] thresholds) {
            this.host = host;
            this.pool = pool;
            this.thresholds = thresholds;
        }
    }

    private final List<FaultyStack> faulty = new ArrayList<>();
    private final Map<String, KmsHost> labHosts = new LinkedHashMap<>();
    // Hosts with an age-out check scheduled (at the time their next entry ages out if nobody renews it).
    private final Set<String> ageOutChecks = new HashSet<>();

    /** One machine × product and its loop. */
    private static final class Member {
        final String machineName;
        final Scenario.ProductPlan product;
        SimulatedMachine machine;
        RenewalLoop loop;
        boolean gone;
        boolean viaMak;
        String lastProblem;

        Member(String machineName, Scenario.ProductPlan product) {
            this.machineName = machineName;
            this.product = product;
        }
    }

    private static final class Tally {
        long activations;
        long renewals;
        long failures;
        final Map<String, Long> byCause = new TreeMap<>();
    }

    /** Progress of a long run (for stderr). */
    @FunctionalInterface
    public interface Progress {
        void day(long day, long days, long events);
    }

    public SimulationLab(Scenario scenario, HostFactory hosts, Consumer<LabEvent> sink) {
        this.scenario = scenario;
        this.hosts = hosts;
        this.sink = sink;
        this.scheduler = new VirtualClockScheduler(scenario.start());
        this.world = new SimulatedWorld(scheduler);
    }

    /** Runs the whole scenario and returns its summary. */
    public LabSummary run(Progress progress) throws Exception {
        setUp();
        try {
            watchAgeOuts(); // a present's entries may age out on day 0: told at their time, not the day's end
            long days = scenario.length().toDays();
            Instant start = scenario.start();
            for (long d = 1; d <= days; d++) {
                scheduler.runUntil(start.plus(Duration.ofDays(d)));
                watchAgeOuts();
                progress.day(d, days, scheduler.executed());
            }
            return summary();
        } finally {
            for (KmsHost host : labHosts.values()) {
                KmsHost inner = host instanceof ChangingHost c ? c.current : host;
                if (inner instanceof LedgerKmsHost ledgerHost) {
                    ledgerHost.ledger().close();
                } else if (inner instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }
    }

    /** Licensing calls the loops made through the fault injector, and how many failed and hung (zeros without faults). */
    public long[] faultCounts() {
        long calls = 0;
        long failed = 0;
        long hung = 0;
        for (FaultyStack f : faulty) {
            calls += f.calls();
            failed += f.failed();
            hung += f.hung();
        }
        return new long[] {calls, failed, hung};
    }

    /** Every product loop that ended before the run did (its product gone), as machine/edition. */
    public List<String> endedLoops() {
        return members.stream()
                .filter(m -> m.loop != null && m.loop.finished() && !m.gone && !m.viaMak)
                .map(m -> m.machineName + "/" + m.product.sku().name())
                .toList();
    }

    /**
     * A host whose configuration an administrator changes during the run (a license pack installed on day 10): the
     * model is rebuilt over the same ledger, so every count it holds is kept (as {@code HostRole} does in the daemon).
     */
    private static final class ChangingHost implements KmsHost {
        volatile KmsHost current;

        ChangingHost(KmsHost current) {
            this.current = current;
        }

        @Override
        public String name() {
            return current.name();
        }

        @Override
        public KmsResponse handle(KmsRequest request, Instant now) {
            return current.handle(request, now);
        }

        @Override
        public Optional<HostConfig> configuration() {
            return current.configuration();
        }
    }

    /** The lab's scheduler (tests drive it step by step). */
    VirtualClockScheduler scheduler() {
        return scheduler;
    }

    private void setUp() throws Exception {
        for (Scenario.HostPlan plan : scenario.hosts()) {
            setUpHost(plan);
        }
        scenario.snapshots()
                .ifPresent(every -> scheduleSnapshot(scenario.start().plus(every), every));
        Set<LoadedFamily> used = new LinkedHashSet<>();
        scenario.groups().forEach(g -> g.products().forEach(p -> used.add(p.family())));
        for (LoadedFamily f : used) {
            f.catalog().skus().forEach(world::registerGvlk);
            Tally tally = new Tally();
            tallies.put(f.countPool().id() + "\u0000" + f.id(), tally);
            tallyOf.put(f, tally);
        }
        // The thresholds whose crossings the lab tells: those the scenario's clients ask for (the report draws these).
        scenario.poolThresholds().forEach(t -> poolThresholds.put(t.pool().id(), t.counts()));
        // A present's tables: their counts are where each pool starts, not a threshold reached at the first request;
        // told as host-status at the start, so that what follows a count (the report's count line) starts there too
        // rather than at the first count a client hears.
        labHosts.forEach((name, host) -> {
            if ((host instanceof ChangingHost c ? c.current : host) instanceof LedgerKmsHost model) {
                for (String pool : new TreeSet<>(model.poolIds())) {
                    int count = model.count(pool, scenario.start());
                    watch(pool, Optional.of(name)).last = count;
                    sink.accept(hostStatus(scenario.start(), name, pool, count));
                }
            }
        });
        for (Map.Entry<String, Scenario.MakPlan> e : scenario.makFallback().entrySet()) {
            scenario.groups().stream()
                    .flatMap(g -> g.products().stream())
                    .map(Scenario.ProductPlan::family)
                    .filter(f -> f.id().equals(e.getKey()))
                    .findFirst()
                    .ifPresent(f -> {
                        Set<UUID> skus = new HashSet<>();
                        f.catalog().skus().forEach(s -> s.skuId().ifPresent(skus::add));
                        world.microsoft()
                                .register(
                                        e.getValue().policy().mak().orElseThrow(),
                                        skus,
                                        e.getValue().activations());
                    });
        }
        SplittableRandom rng = new SplittableRandom(scenario.seed());
        // Faults draw from a source of their own, so that a run without faults is the same as before they existed.
        SplittableRandom faultRng = new SplittableRandom(scenario.seed() ^ 0x6661756C7473L);
        for (Scenario.MachineGroup g : scenario.groups()) {
            UUID shared = randomCmid(rng);
            for (int i = 0; i < g.count(); i++) {
                UUID drawn = g.cloned() ? shared : randomCmid(rng);
                SplittableRandom own = rng.split();
                SplittableRandom faultsOwn = scenario.faults().enabled() ? faultRng.split() : null;
                String name = g.machineName(i);
                // The CMID the present names (the host's table knows the machine by it), drawn or not: the draws stay
                // the same.
                Present.MachineStart start = scenario.present().machines().get(name);
                UUID cmid =
                        start != null && start.cmid().isPresent() ? start.cmid().get() : drawn;
                Instant arrival =
                        scenario.start().plus(g.arrive()).plus(g.every().multipliedBy(i));
                List<Member> mine = new ArrayList<>();
                for (Scenario.ProductPlan p : g.products()) {
                    Member m = new Member(name, p);
                    mine.add(m);
                    members.add(m);
                }
                scheduler.schedule(arrival, () -> arrive(g, name, cmid, own, faultsOwn, mine));
                g.leave().ifPresent(l -> scheduler.schedule(scenario.start().plus(l), () -> leave(name, mine)));
            }
        }
    }

    private void setUpHost(Scenario.HostPlan plan) throws Exception {
        KmsHost created = PresentLedger.seeded(
                hosts.create(plan),
                scenario.present().ledgers().getOrDefault(plan.name(), List.of()),
                scenario.start());
        if (created instanceof LedgerKmsHost model) {
            created = model.listenedBy(entriesLeaving(plan.name()));
        }
        KmsHost host = plan.changes().isEmpty() ? created : new ChangingHost(created);
        labHosts.put(plan.name(), host);
        world.network()
                .attach(new SimulatedNetwork.HostEntry(
                        plan.name(), plan.port(), host, plan.hostKeys(), plan.licensePacks()));
        if (plan.publishDns()) {
            // _vlmcs._tcp with the plan's priority and weight (0 and 0 unless set, kms-rules.md §2.6).
            world.dns().publish(plan.domain(), new SrvRecord(plan.priority(), plan.weight(), plan.port(), plan.name()));
        }
        for (Scenario.Outage o : plan.outages()) {
            Instant from = scenario.start().plus(o.from());
            Instant to = scenario.start().plus(o.to());
            world.network().addOutage(plan.name(), from, to);
            scheduler.schedule(
                    from,
                    () -> sink.accept(LabEvent.lab(
                            from,
                            "host-down",
                            "",
                            "",
                            OptionalInt.empty(),
                            OptionalInt.empty(),
                            Optional.of(plan.name()))));
            scheduler.schedule(
                    to,
                    () -> sink.accept(LabEvent.lab(
                            to,
                            "host-up",
                            "",
                            "",
                            OptionalInt.empty(),
                            OptionalInt.empty(),
                            Optional.of(plan.name()))));
        }
        List<HostKey> keys = new ArrayList<>(plan.hostKeys());
        Set<String> packs = new LinkedHashSet<>(plan.licensePacks());
        for (Scenario.HostChange c : plan.changes()) {
            Instant at = scenario.start().plus(c.at());
            scheduler.schedule(at, () -> {
                ChangingHost ch = (ChangingHost) host;
                c.addHostKeys().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
                packs.addAll(c.addLicensePacks());
                if (!(ch.current instanceof LedgerKmsHost model)) {
                    throw new IllegalStateException("host " + plan.name() + " cannot change: it is not the host model");
                }
                ch.current = model.reconfigured(new HostConfig(
                        plan.name(),
                        List.copyOf(keys),
                        Set.copyOf(packs),
                        model.config().settings()));
                world.network()
                        .attach(new SimulatedNetwork.HostEntry(
                                plan.name(), plan.port(), host, List.copyOf(keys), Set.copyOf(packs)));
                sink.accept(LabEvent.lab(
                        at,
                        "host-changed",
                        "",
                        "",
                        OptionalInt.empty(),
                        OptionalInt.empty(),
                        Optional.of(plan.name())));
            });
        }
    }

    /**
     * docs/kms-rules.md §1.2, §1.3: an {@code aged-out} or {@code pushed-out} event when a client's entry leaves a pool's
     * count, at the time it leaves: pushed out while the host registers another client, aged out 30 days after its last
     * request (told by the host while it handles a later request, or by the check {@link #watchAgeOuts} schedules).
     */
    private EntryListener entriesLeaving(String hostName) {
        Optional<String> host = Optional.of(hostName);
        return new EntryListener() {
            @Override
            public void agedOut(PoolEntry entry, Instant at) {
                sink.accept(
                        LabEvent.entryLeft(at, "aged-out", entry.machineName(), entry.cmid(), entry.poolId(), host));
            }

            @Override
            public void pushedOut(PoolEntry entry, Instant at, UUID by) {
                sink.accept(
                        LabEvent.entryLeft(at, "pushed-out", entry.machineName(), entry.cmid(), entry.poolId(), host));
            }
        };
    }

    /**
     * Makes sure each host model has an age-out check scheduled for when its next entry ages out (called once a virtual
     * day: an entry registered during the day ages out 30 days later, so no check comes late). A check tells what aged
     * out by then and schedules the next; about one a month per host, whatever the fleet's size.
     */
    private void watchAgeOuts() {
        for (String name : labHosts.keySet()) {
            if (!ageOutChecks.contains(name)) {
                checkAgeOuts(name);
            }
        }
    }

    private void checkAgeOuts(String name) {
        KmsHost h = labHosts.get(name);
        KmsHost inner = h instanceof ChangingHost c ? c.current : h;
        if (!(inner instanceof LedgerKmsHost model)) {
            return;
        }
        Instant now = scheduler.now();
        Optional<Instant> next = model.reportAgedOut(now);
        // docs/kms-rules.md §1.2: what aged out no longer counts; the host's count may have fallen below a threshold
        // with no client asking (this check runs when the next entry ages out).
        for (String pool : model.poolIds()) {
            crossings(watch(pool, Optional.of(name)), now, pool, model.count(pool, now), Optional.of(name));
        }
        if (next.isPresent()) {
            ageOutChecks.add(name);
            scheduler.schedule(next.get(), () -> {
                ageOutChecks.remove(name);
                checkAgeOuts(name);
            });
        }
    }

    /** Every {@code every}: each host model's count per pool, as {@code host-status} events (pool, count). */
    private void scheduleSnapshot(Instant at, Duration every) {
        scheduler.schedule(at, () -> {
            for (Map.Entry<String, KmsHost> e : labHosts.entrySet()) {
                KmsHost h = e.getValue() instanceof ChangingHost c ? c.current : e.getValue();
                if (h instanceof LedgerKmsHost model) {
                    for (String pool : new TreeSet<>(model.poolIds())) {
                        sink.accept(hostStatus(at, e.getKey(), pool, model.count(pool, at)));
                    }
                }
            }
            Instant next = at.plus(every);
            if (next.isBefore(scenario.start().plus(scenario.length()))
                    || next.equals(scenario.start().plus(scenario.length()))) {
                scheduleSnapshot(next, every);
            }
        });
    }

    /** A host's count of a pool at a moment, as a {@code host-status} event. */
    private static LabEvent hostStatus(Instant at, String host, String pool, int count) {
        return LabEvent.lab(at, "host-status", "", pool, OptionalInt.of(count), OptionalInt.empty(), Optional.of(host));
    }

    private static UUID randomCmid(SplittableRandom rng) {
        // A random (version 4) UUID from the seeded source.
        long hi = (rng.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo);
    }

    private void arrive(
            Scenario.MachineGroup g,
            String name,
            UUID cmid,
            SplittableRandom rng,
            SplittableRandom faultsRng,
            List<Member> mine) {
        SimulatedMachine machine = new SimulatedMachine(name, g.domain(), g.windows(), cmid, g.clockSkew(), world, rng);
        machine.setHostCaching(g.hostCaching());
        // The loops drive the machine through the fault injector when the scenario has faults; the lab itself (set-up,
        // summary) reads the machine directly.
        LicensingStack loopStack = machine;
        if (faultsRng != null) {
            FaultyStack f = new FaultyStack(
                    machine, scenario.faults(), faultsRng, scheduler::now, FaultyStack.HangMode.TIMEOUT, Duration.ZERO);
            faulty.add(f);
            loopStack = f;
        }
        sink.accept(LabEvent.machine(scheduler.now(), "machine-arrived", name));
        // The present's state of each product (a fleet snapshot's), or null for a product that starts new.
        Present.MachineStart present = scenario.present().machines().get(name);
        List<Present.ProductStart> starts = new ArrayList<>(mine.size());
        for (Member m : mine) {
            LoadedFamily f = m.product.family();
            Sku sku = m.product.sku();
            SimulatedProduct product;
            try {
                product = productOf(f, sku, g.windows());
                machine.install(product, Optional.of(sku.gvlk()));
                machine.setKmsEndpoint(product.service(), product.skuId(), g.endpoint());
            } catch (LicensingException e) {
                throw new IllegalStateException("setting up " + name + ": " + e.getMessage(), e);
            }
            m.machine = machine;
            // The listener holds the family's tally itself: most events only count, and reading the member for its
            // tally would be one more scattered object per event at a large fleet.
            Tally tally = tallyOf.get(f);
            Scenario.MakPlan mak = scenario.makFallback().get(f.id());
            m.loop = new RenewalLoop(
                    scheduler,
                    f,
                    loopStack,
                    product.skuId(),
                    sku.name(),
                    mak == null ? MakFallbackPolicy.OFF : mak.policy(),
                    e -> onEvent(m, tally, e));
            Present.ProductStart start =
                    present == null ? null : present.products().get(sku.name());
            starts.add(start);
            if (start != null) {
                PresentLedger.restore(machine, product, start, scheduler.now());
            }
        }
        for (int i = 0; i < mine.size(); i++) {
            Present.ProductStart start = starts.get(i);
            if (start != null) {
                mine.get(i).loop.resume(start.nextAttempt()); // where the agent's own loop was, not a first attempt now
            } else {
                mine.get(i).loop.start();
            }
        }
    }

    /**
     * The edition as installed on that Windows version: an immutable value, so one is shared by every machine that
     * installs it (a simulated machine reads it on every request; shared, it stays in the cache however large the
     * fleet).
     */
    private SimulatedProduct productOf(LoadedFamily f, Sku sku, WindowsVersion windows) throws LicensingException {
        Map<WindowsVersion, SimulatedProduct> byWindows = products.computeIfAbsent(sku, k -> new HashMap<>());
        SimulatedProduct known = byWindows.get(windows);
        if (known == null) {
            known = new SimulatedProduct(
                    serviceOf(f, windows),
                    f.applicationId(),
                    f.id(),
                    f.countPool().id(),
                    sku,
                    f.catalog().gracePeriod(),
                    f.catalog().licensePack().map(p -> p.name()));
            byWindows.put(windows, known);
        }
        return known;
    }

    private void leave(String name, List<Member> mine) {
        sink.accept(LabEvent.machine(scheduler.now(), "machine-left", name));
        for (Member m : mine) {
            m.gone = true;
            if (m.loop != null) {
                m.loop.stop();
            }
        }
    }

    private void onEvent(Member m, Tally t, RenewalEvent e) {
        if (e.kind() == RenewalEvent.Kind.STOPPED) {
            return;
        }
        sink.accept(LabEvent.of(e));
        switch (e.kind()) {
            case ACTIVATED -> t.activations++;
            case RENEWED -> t.renewals++;
            case MAK_ACTIVATED -> {
                t.activations++;
                m.viaMak = true;
            }
            case ACTIVATION_FAILED, RENEWAL_FAILED, MAK_FAILED -> {
                m.lastProblem = e.hresult().map(h -> h.hex() + " ").orElse("")
                        + e.diagnosis()
                                .map(d ->
                                        d.cause() == Diagnosis.Cause.COUNT_BELOW_THRESHOLD ? d.detail() : d.toString())
                                .orElse("");
                t.failures++;
                String cause = e.diagnosis().map(d -> d.cause().name()).orElse("OTHER");
                t.byCause.merge(cause, 1L, Long::sum);
            }
            default -> {}
        }
        if (e.count().isPresent()) {
            observeCount(e.time(), e.pool(), e.count().getAsInt(), e.host());
        }
    }

    /** A count a host reported to a client: the last counts, and any threshold it crosses. */
    private void observeCount(Instant time, String pool, int count, Optional<String> host) {
        PoolWatch w = watch(pool, host);
        // Kept in the watch, not in the summary's maps: one count is reported per activation and renewal, and the
        // maps are built from the watches when a summary is asked for (the last report of a pool is the one of the
        // highest order).
        w.reported = count;
        w.reportedOrder = ++reports;
        crossings(w, time, pool, count, host);
    }

    /** What the lab watches of that host's count of that pool. */
    private PoolWatch watch(String pool, Optional<String> host) {
        String name = host.orElse("");
        // Consecutive events mostly name one of a few hosts and pools, as the same String objects (the host's name,
        // the family's pool id): compared by identity against the last few watches found, a repeat skips both map
        // look-ups (a PC with Windows and Office alternates two pools); anything else looks them up.
        for (int i = 0; i < RECENT_WATCHES; i++) {
            PoolWatch w = recentWatches[i];
            if (w != null && w.host == name && w.pool == pool) {
                return w;
            }
        }
        Map<String, PoolWatch> ofHost = watches.computeIfAbsent(name, h -> new HashMap<>());
        PoolWatch w = ofHost.get(pool);
        if (w == null) {
            w = new PoolWatch(name, pool, poolThresholds.getOrDefault(pool, new int[0]));
            ofHost.put(pool, w);
        }
        recentWatches[nextRecent] = w;
        nextRecent = (nextRecent + 1) % RECENT_WATCHES;
        return w;
    }

    private static final int RECENT_WATCHES = 4;
    private final PoolWatch[] recentWatches = new PoolWatch[RECENT_WATCHES];
    private int nextRecent;
    // How many counts were reported so far: orders the watches' last reports.
    private long reports;

    /**
     * Tells a host's count of a pool crossing one of its thresholds, up or down. Each host keeps its own table
     * (docs/kms-rules.md §1.2), so the count is compared with that host's previous one only.
     */
    private void crossings(PoolWatch w, Instant time, String pool, int count, Optional<String> host) {
        if (w.last == count) {
            return;
        }
        int prev = w.last;
        w.last = count;
        int[] t = w.thresholds; // lowest first
        // In the order the count passes them: up from the lowest, down from the highest.
        for (int i = 0; i < t.length; i++) {
            int threshold = count > prev ? t[i] : t[t.length - 1 - i];
            if (prev < threshold && count >= threshold) {
                sink.accept(LabEvent.lab(
                        time, "threshold-reached", "", pool, OptionalInt.of(count), OptionalInt.of(threshold), host));
            } else if (prev >= threshold && count < threshold) {
                sink.accept(LabEvent.lab(
                        time, "below-threshold", "", pool, OptionalInt.of(count), OptionalInt.of(threshold), host));
            }
        }
    }

    /** The summary as of now (the run returns it at the end; tests read it mid-run). */
    LabSummary summary() throws LicensingException {
        Map<String, Map<String, Integer>> problems = new LinkedHashMap<>();
        Map<String, int[]> states = new LinkedHashMap<>();
        tallies.keySet().forEach(k -> states.put(k, new int[6]));
        Set<String> machines = new HashSet<>();
        Set<String> toArrive = new HashSet<>();
        for (Member m : members) {
            if (m.machine == null && !m.gone) {
                // Not arrived yet (or not within the run): a product of no state, so in no column.
                toArrive.add(m.machineName);
                continue;
            }
            String key = m.product.family().countPool().id() + "\u0000"
                    + m.product.family().id();
            int[] s = states.get(key);
            s[0]++;
            machines.add(m.machineName);
            if (m.gone) {
                s[5]++;
                continue;
            }
            UUID sku = m.product.sku().skuId().orElseThrow();
            LicenseStatus st = m.machine.licenseState(serviceOf(m), sku).status();
            if (st == LicenseStatus.LICENSED) {
                s[1]++;
                if (m.viaMak) {
                    s[2]++;
                }
            } else if (st.isGrace()) {
                s[3]++;
            } else if (st == LicenseStatus.NOTIFICATION) {
                s[4]++;
            }
            if (st != LicenseStatus.LICENSED && m.lastProblem != null) {
                problems.computeIfAbsent(key, k -> new TreeMap<>()).merge(m.lastProblem, 1, Integer::sum);
            }
        }
        List<LabSummary.Row> rows = new ArrayList<>();
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            String[] k = e.getKey().split("\u0000");
            int[] s = states.get(e.getKey());
            Tally t = e.getValue();
            rows.add(new LabSummary.Row(
                    k[0],
                    k[1],
                    s[0],
                    s[1],
                    s[2],
                    s[3],
                    s[4],
                    s[5],
                    t.activations,
                    t.renewals,
                    t.failures,
                    t.byCause,
                    problems.getOrDefault(e.getKey(), Map.of())));
        }
        return new LabSummary(
                rows, lastCount(), lastCountByHost(), scheduler.executed(), machines.size(), toArrive.size());
    }

    /** Per pool, the last count any host reported to a client. */
    private Map<String, Integer> lastCount() {
        Map<String, PoolWatch> latest = new TreeMap<>();
        watches.values()
                .forEach(ofHost -> ofHost.values().forEach(w -> {
                    if (w.reportedOrder > 0) {
                        latest.merge(w.pool, w, (a, b) -> a.reportedOrder > b.reportedOrder ? a : b);
                    }
                }));
        Map<String, Integer> counts = new TreeMap<>();
        latest.forEach((pool, w) -> counts.put(pool, w.reported));
        return counts;
    }

    /**
     * Per host (the scenario's, in its order, each present even if it reported nothing; then any other, by name) and
     * pool: the last count that host reported to a client.
     */
    private Map<String, Map<String, Integer>> lastCountByHost() {
        Map<String, Map<String, Integer>> byHost = new LinkedHashMap<>();
        scenario.hosts().forEach(h -> byHost.put(h.name(), new TreeMap<>()));
        new TreeMap<>(watches)
                .forEach((host, ofHost) -> ofHost.values().forEach(w -> {
                    if (w.reportedOrder > 0) {
                        byHost.computeIfAbsent(host, h -> new TreeMap<>()).put(w.pool, w.reported);
                    }
                }));
        return byHost;
    }

    private LicensingService serviceOf(Member m) throws LicensingException {
        return serviceOf(m.product.family(), m.machine.windowsVersion());
    }

    /** Which licensing service holds the family's licenses on that Windows version, asked of the plugin once. */
    private LicensingService serviceOf(LoadedFamily f, WindowsVersion windows) throws LicensingException {
        Map<WindowsVersion, LicensingService> byWindows = services.computeIfAbsent(f, k -> new HashMap<>());
        LicensingService known = byWindows.get(windows);
        if (known == null) {
            known = f.licensingService(windows);
            byWindows.put(windows, known);
        }
        return known;
    }
}
