package org.kmsagent.agent.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.simulate.LabEvent;
import org.kmsagent.agent.simulate.Scenario;

/**
 * Reduces a simulation's event stream to what the report draws, as the events arrive (a year of a large fleet is
 * millions of events; only per-bucket figures are kept): per count pool, the count the host reported, activations
 * and renewals, and how many products are in each state, sampled at the end of each time bucket (an hour for runs
 * of up to 30 days, else a day); and the notable moments. Deterministic: it depends on the events only.
 */
public final class ReportCollector implements Consumer<LabEvent> {
    /** Product states, bottom to top of the stacked chart. */
    public static final List<String> STATES =
            List.of("licensed", "licensed-mak", "grace", "out-of-tolerance", "notification", "gone");
    /** The moments table stops here (a flapping count could otherwise fill pages). */
    static final int MAX_MOMENTS = 250;

    private final Instant start;
    private final Duration bucket;
    private final int buckets;
    private final Map<String, PoolSeries> pools = new LinkedHashMap<>();
    private final Map<String, String> poolOfFamily = new HashMap<>();
    // Per machine: its families (one list shared by its group) and each one's state, side by side. Keyed by the
    // machine name alone, so that an event costs one lookup and no string building (a year of a million machines is
    // some 60 million events).
    private final Map<String, MachineStates> machines = new HashMap<>();
    private final Map<String, String> undeclared = new HashMap<>();

    private record MachineStates(List<String> families, String[] states) {
        String move(String family, String state) {
            int i = families.indexOf(family);
            if (i < 0) {
                return null;
            }
            String before = states[i];
            states[i] = state;
            return before;
        }
    }

    private final List<Moment> moments = new ArrayList<>();
    private final List<Outage> outages = new ArrayList<>();
    // Per host: since when it is down, while it is.
    private final Map<String, Instant> downSince = new LinkedHashMap<>();
    private final List<String> hosts;
    private int momentsLeftOut;
    private int flushed;
    private long events;

    /** A host unreachable from {@code from} to {@code to}. */
    record Outage(String host, Instant from, Instant to) {}

    /**
     * One pool's series. Arrays are indexed by bucket. Each host keeps its own count of the pool (docs/kms-rules.md
     * §1.3), so the count is one series per host; {@code countByHost.get(host)[i]} is -1 before that host reported
     * any.
     */
    public static final class PoolSeries {
        final String id;
        final String displayName;
        // Per count a client needs, the threshold classes asking for it (Scenario#poolThresholds).
        final SortedMap<Integer, SortedSet<String>> thresholds = new TreeMap<>();
        // Per host, in the scenario's order: its count at each bucket's end, and now.
        final Map<String, int[]> countByHost = new LinkedHashMap<>();
        final Map<String, Integer> countNow = new HashMap<>();
        final long[] activations;
        final long[] renewals;
        final Map<String, int[]> states = new LinkedHashMap<>();
        final Map<String, Integer> now = new LinkedHashMap<>();
        final Set<String> firsts = new HashSet<>();
        long totalActivations;
        long totalRenewals;
        long agedOut;
        long pushedOut;
        int products;
        long refusals;
        String lastRefusal;

        /** Notes a refused attempt and, in words, its latest code and cause. */
        void refusal(LabEvent e) {
            refusals++;
            lastRefusal = e.hresult()
                            .map(h -> h.hex() + (h.isKnown() ? " " + h.name() : ""))
                            .orElse("no code")
                    + e.diagnosis().map(d -> ": " + d).orElse("");
        }

        PoolSeries(String id, String displayName, int buckets, List<String> hosts) {
            this.id = id;
            this.displayName = displayName;
            hosts.forEach(h -> countByHost.put(h, new int[buckets]));
            activations = new long[buckets];
            renewals = new long[buckets];
            STATES.forEach(s -> {
                states.put(s, new int[buckets]);
                now.put(s, 0);
            });
        }
    }

    /**
     * A row of the notable-moments table.
     *
     * @param time when
     * @param pool the pool concerned, or empty for the host
     * @param what a short name, e.g. {@code threshold reached}
     * @param detail the figures, in words
     */
    public record Moment(Instant time, String pool, String what, String detail) {}

    public ReportCollector(Scenario scenario) {
        this.start = scenario.start();
        this.bucket = scenario.length().compareTo(Duration.ofDays(30)) <= 0 ? Duration.ofHours(1) : Duration.ofDays(1);
        this.buckets = (int) Math.max(1, (scenario.length().toMinutes() + bucket.toMinutes() - 1) / bucket.toMinutes());
        this.hosts = scenario.hosts().stream().map(Scenario.HostPlan::name).toList();
        // Every pool a client asks in, each with its thresholds: the scenario's rule, whose crossings the lab tells. A
        // pool only a present's tables name (clients without an agent) is drawn too: its count starts at theirs.
        for (Scenario.PoolThresholds t : scenario.poolThresholds()) {
            PoolSeries s = new PoolSeries(t.pool().id(), t.pool().displayName(), buckets, hosts);
            s.thresholds.putAll(t.classesByCount());
            pools.put(s.id, s);
        }
        for (Scenario.MachineGroup g : scenario.groups()) {
            List<String> families = new ArrayList<>();
            for (Scenario.ProductPlan p : g.products()) {
                String pool = p.family().countPool().id();
                pools.get(pool).products += g.count();
                poolOfFamily.put(p.family().id(), pool);
                families.add(p.family().id());
            }
            List<String> shared = List.copyOf(families);
            for (int i = 0; i < g.count(); i++) {
                machines.put(g.machineName(i), new MachineStates(shared, new String[shared.size()]));
            }
        }
    }

    @Override
    public void accept(LabEvent e) {
        events++;
        int b = index(e.time());
        flushUpTo(b);
        String pool = !e.pool().isEmpty() ? e.pool() : poolOfFamily.getOrDefault(e.family(), "");
        PoolSeries s = pools.get(pool);
        switch (e.event()) {
            case "machine-arrived" -> familiesOf(e.machine()).forEach(f -> move(e.machine(), f, "grace"));
            case "machine-left" -> familiesOf(e.machine()).forEach(f -> move(e.machine(), f, "gone"));
            case "activated", "mak-activated" -> {
                // A MAK activation is not a KMS one: it needs no renewal and never counts in the pool.
                move(e.machine(), e.family(), e.event().equals("activated") ? "licensed" : "licensed-mak");
                if (s != null) {
                    s.activations[b]++;
                    s.totalActivations++;
                    first(
                            s,
                            e,
                            e.event().equals("activated") ? "first activation" : "first MAK activation",
                            e.machine() + " (" + e.sku() + ")");
                }
            }
            case "renewed" -> {
                move(e.machine(), e.family(), "licensed");
                if (s != null) {
                    s.renewals[b]++;
                    s.totalRenewals++;
                }
            }
            case "expired" -> {
                move(e.machine(), e.family(), "out-of-tolerance");
                if (s != null) {
                    first(
                            s,
                            e,
                            "first expiry",
                            e.machine() + " (" + e.sku() + "): " + KmsRules.VALIDITY.toDays()
                                    + " days without renewal");
                }
            }
            case "grace-expired" -> {
                move(e.machine(), e.family(), "notification");
                if (s != null) {
                    first(s, e, "first notification", e.machine() + " (" + e.sku() + "): grace over");
                }
            }
            case "mak-failed" -> {
                if (s != null) {
                    first(
                            s,
                            e,
                            "first MAK refusal",
                            e.machine() + e.hresult().map(h -> " " + h.hex()).orElse(""));
                    s.refusal(e);
                }
            }
            case "activation-failed", "renewal-failed" -> {
                if (s != null) {
                    s.refusal(e);
                }
            }
            case "aged-out" -> {
                if (s != null) {
                    s.agedOut++;
                    // docs/kms-rules.md §1.2: the entry no longer counts, so that host's count is one lower (the
                    // event carries no count; a pushed-out entry makes room for one that is counted instead).
                    String host = hostOf(e);
                    Integer before = s.countNow.get(host);
                    if (before != null && before > 0) {
                        s.countNow.put(host, before - 1);
                    }
                    first(
                            s,
                            e,
                            "first entry aged out",
                            client(e) + ": no request for " + KmsRules.COUNT_WINDOW.toDays()
                                    + " days, it no longer counts");
                }
            }
            case "pushed-out" -> {
                if (s != null) {
                    s.pushedOut++;
                    first(
                            s,
                            e,
                            "first entry pushed out",
                            client(e) + ": the table was full, the least recently seen entry made room");
                }
            }
            case "threshold-reached", "below-threshold" ->
                moment(
                        e.time(),
                        pool,
                        e.event().equals("threshold-reached") ? "threshold reached" : "fell below threshold",
                        "count " + e.count().orElse(0) + ", threshold "
                                + e.required().orElse(0));
            case "host-down" -> {
                downSince.put(hostOf(e), e.time());
                moment(e.time(), "", "host outage begins", e.host().orElse("the KMS host") + " unreachable");
            }
            case "host-up" -> {
                Instant since = downSince.remove(hostOf(e));
                if (since != null) {
                    outages.add(new Outage(hostOf(e), since, e.time()));
                }
                moment(e.time(), "", "host outage ends", e.host().orElse("the KMS host") + " reachable again");
            }
            case "host-changed" ->
                moment(
                        e.time(),
                        "",
                        "host changed",
                        e.host().orElse("the KMS host") + " gets what the scenario installs at this time");
            default -> {}
        }
        // Any count an event gives is the host's count now: a present's at the start (host-status), one a client hears,
        // a pool's crossing. Between them only entries aging out lower it (above).
        if (s != null && e.count().isPresent()) {
            s.countNow.put(hostOf(e), e.count().getAsInt());
        }
    }

    /** The client whose entry left a count: its name and CMID, or its CMID alone when it sent no name. */
    private static String client(LabEvent e) {
        return e.namedClient() ? e.machine() + " (CMID " + e.cmid() + ")" : "CMID " + e.cmid();
    }

    /** The host an event concerns: the one it names, else the scenario's first. */
    private String hostOf(LabEvent e) {
        return e.host().orElse(hosts.get(0));
    }

    private void first(PoolSeries s, LabEvent e, String what, String detail) {
        if (s.firsts.add(what)) {
            moment(e.time(), s.id, what, detail);
        }
    }

    private void moment(Instant time, String pool, String what, String detail) {
        if (moments.size() < MAX_MOMENTS) {
            moments.add(new Moment(time, pool, what, detail));
        } else {
            momentsLeftOut++;
        }
    }

    private List<String> familiesOf(String machine) {
        MachineStates m = machines.get(machine);
        return m == null ? List.of() : m.families();
    }

    private void move(String machine, String family, String state) {
        String pool = poolOfFamily.get(family);
        PoolSeries s = pool == null ? null : pools.get(pool);
        if (s == null) {
            return;
        }
        MachineStates m = machines.get(machine);
        String before;
        if (m != null && m.families().contains(family)) {
            before = m.move(family, state);
        } else {
            before = undeclared.put(machine + "\u0000" + family, state); // a pair the scenario did not declare
        }
        if (before != null) {
            s.now.merge(before, -1, Integer::sum);
        }
        s.now.merge(state, 1, Integer::sum);
    }

    private int index(Instant t) {
        long minutes = Duration.between(start, t).toMinutes();
        return (int) Math.min(buckets - 1, Math.max(0, minutes / bucket.toMinutes()));
    }

    /** Snapshots the buckets before {@code b}: the state at each one's end. */
    private void flushUpTo(int b) {
        while (flushed < b) {
            for (PoolSeries s : pools.values()) {
                for (Map.Entry<String, int[]> c : s.countByHost.entrySet()) {
                    c.getValue()[flushed] = s.countNow.getOrDefault(c.getKey(), -1);
                }
                for (String st : STATES) {
                    s.states.get(st)[flushed] = s.now.get(st);
                }
            }
            flushed++;
        }
    }

    /** Closes the series at the end of the run (an outage still going on ends there). */
    public void finish(Instant end) {
        flushUpTo(buckets);
        downSince.forEach((host, since) -> outages.add(new Outage(host, since, end)));
        downSince.clear();
    }

    Instant start() {
        return start;
    }

    Duration bucket() {
        return bucket;
    }

    Map<String, PoolSeries> pools() {
        return pools;
    }

    List<Moment> moments() {
        return moments;
    }

    int momentsLeftOut() {
        return momentsLeftOut;
    }

    List<Outage> outages() {
        return outages;
    }

    long events() {
        return events;
    }
}
