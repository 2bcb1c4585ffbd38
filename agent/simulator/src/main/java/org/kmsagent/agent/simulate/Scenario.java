package org.kmsagent.agent.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.renewal.MakFallbackPolicy;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.Sku;
import org.kmsagent.api.ThresholdClass;
import org.kmsagent.api.WindowsVersion;

/**
 * A validated lab: one KMS host and a fleet, on a virtual clock. Built from a scenario file by
 * {@link ScenarioReader} or from command-line flags; everything in it has been checked against the loaded families.
 *
 * @param name a title
 * @param description what the scenario shows
 * @param seed the random seed (CMIDs, SRV picks): the same seed gives the same run
 * @param start when the virtual clock starts
 * @param length how long the lab runs
 * @param host the KMS host
 * @param groups the fleet, in declaration order
 * @param makFallback per family id, the MAK fallback policy and the MAK's activation limit
 * @param faults the faults the machines' licensing services inject (times relative to the start are resolved)
 * @param hosts every KMS host, {@code host} first (clients find them through DNS by SRV priority and weight, or
 *     pin one)
 * @param snapshots how often the lab reports each host's counts ({@code host-status} events), if at all
 * @param present the fleet's state at the start (a fleet snapshot's), or {@link Present#NONE}: every machine new
 * @param hostNamed whether the scenario names its host ({@code host}); false: the default host stands in
 *     (docs/simulate.md, "The model"), as it does in a snapshot of a fleet with no watched host
 */
public record Scenario(
        String name,
        String description,
        long seed,
        Instant start,
        Duration length,
        HostPlan host,
        List<MachineGroup> groups,
        Map<String, MakPlan> makFallback,
        FaultyStack.Plan faults,
        List<HostPlan> hosts,
        Optional<Duration> snapshots,
        Present present,
        boolean hostNamed) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(length, "length");
        Objects.requireNonNull(host, "host");
        groups = List.copyOf(groups);
        // Declaration order is kept (Map.copyOf's order varies between runs; output must not).
        makFallback = Collections.unmodifiableMap(new LinkedHashMap<>(makFallback));
        faults = faults == null ? FaultyStack.Plan.NONE : faults;
        hosts = hosts == null || hosts.isEmpty() ? List.of(host) : List.copyOf(hosts);
        snapshots = snapshots == null ? Optional.empty() : snapshots;
        present = present == null ? Present.NONE : present;
    }

    /** The scenario with other faults ({@code --faults}). */
    public Scenario withFaults(FaultyStack.Plan plan) {
        return new Scenario(
                name,
                description,
                seed,
                start,
                length,
                host,
                groups,
                makFallback,
                plan,
                hosts,
                snapshots,
                present,
                hostNamed);
    }

    /** The scenario with another seed and/or length (command-line overrides). */
    public Scenario with(Optional<Long> seed, Optional<Duration> length) {
        return new Scenario(
                name,
                description,
                seed.orElse(this.seed),
                start,
                length.orElse(this.length),
                host,
                groups,
                makFallback,
                faults,
                hosts,
                snapshots,
                present,
                hostNamed);
    }

    /** The scenario with other hosts and fleet (a what-if's changes, {@link WhatIfChanges}). */
    public Scenario with(List<HostPlan> hosts, List<MachineGroup> groups, Present present) {
        return new Scenario(
                name,
                description,
                seed,
                start,
                length,
                hosts.get(0),
                groups,
                makFallback,
                faults,
                hosts,
                snapshots,
                present,
                hostNamed);
    }

    /**
     * docs/kms-rules.md §1.5: each client is refused below its own threshold, so a count pool's thresholds are those
     * its clients ask for: the fleet's editions', and those of the clients a present's tables hold (PCs without an
     * agent, which the lab does not run but whose entries count until they age out). The one rule both for the
     * crossings the lab tells and for the lines the report draws. Every pool a client asks in: first those the fleet's
     * machines name, in their order, then those only a present's tables name, by id.
     */
    public List<PoolThresholds> poolThresholds() {
        Map<String, CountPool> pools = new LinkedHashMap<>();
        Map<String, SortedMap<Integer, SortedSet<String>>> classes = new HashMap<>();
        for (MachineGroup g : groups) {
            for (ProductPlan p : g.products()) {
                CountPool pool = p.family().countPool();
                ThresholdClass asked = p.sku().thresholdClass();
                pools.putIfAbsent(pool.id(), pool);
                classes.computeIfAbsent(pool.id(), k -> new TreeMap<>())
                        .computeIfAbsent(asked.minimumCount(), k -> new TreeSet<>())
                        .add(asked.name());
            }
        }
        // Present.ledgers() is a map without an order: these pools are sorted, so that output stays the same.
        SortedMap<String, CountPool> presentOnly = new TreeMap<>();
        present.ledgers()
                .values()
                .forEach(seeds -> seeds.forEach(seed -> {
                    if (!pools.containsKey(seed.pool().id())) {
                        presentOnly.putIfAbsent(seed.pool().id(), seed.pool());
                    }
                    classes.computeIfAbsent(seed.pool().id(), k -> new TreeMap<>())
                            .computeIfAbsent(seed.requiredCount(), k -> new TreeSet<>());
                }));
        pools.putAll(presentOnly);
        return pools.values().stream()
                .map(pool -> new PoolThresholds(pool, classes.get(pool.id())))
                .toList();
    }

    /**
     * A count pool's thresholds.
     *
     * @param pool the pool
     * @param classesByCount per count a client of the pool needs to activate (lowest first), the threshold classes of
     *     the fleet's editions that need it; none for a count only clients of a present's tables need (a table keeps
     *     the count a client asked for, not its class)
     */
    public record PoolThresholds(CountPool pool, SortedMap<Integer, SortedSet<String>> classesByCount) {
        public PoolThresholds {
            SortedMap<Integer, SortedSet<String>> copy = new TreeMap<>();
            classesByCount.forEach(
                    (count, names) -> copy.put(count, Collections.unmodifiableSortedSet(new TreeSet<>(names))));
            classesByCount = Collections.unmodifiableSortedMap(copy);
        }

        /** The counts, lowest first. */
        public int[] counts() {
            return classesByCount.keySet().stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * The KMS host.
     *
     * @param name its name (FQDN)
     * @param domain the DNS domain it publishes its SRV record in
     * @param port its port
     * @param publishDns whether it publishes {@code _vlmcs._tcp} (docs/kms-rules.md §2.6)
     * @param hostKeys the host keys installed
     * @param licensePacks the license packs installed
     * @param activationInterval the retry interval it hands clients (§2.1)
     * @param renewalInterval the renewal interval it hands clients (§2.1)
     * @param outages when it cannot be reached; overlapping or touching ones are merged into one, in time order
     *     ({@link Outage#merged}): a host is down or up, not down twice
     * @param catalogKeys every host key the loaded families declare, with its family (for diagnosis)
     * @param priority its SRV record's priority (lower is tried first, kms-rules.md §2.5)
     * @param weight its SRV record's weight among hosts of one priority
     * @param changes what is installed on it during the run, in time order
     */
    public record HostPlan(
            String name,
            String domain,
            int port,
            boolean publishDns,
            List<HostKey> hostKeys,
            Set<String> licensePacks,
            Duration activationInterval,
            Duration renewalInterval,
            List<Outage> outages,
            Map<HostKey, String> catalogKeys,
            int priority,
            int weight,
            List<HostChange> changes) {
        public HostPlan {
            catalogKeys = catalogKeys == null ? Map.of() : Map.copyOf(catalogKeys);
            hostKeys = List.copyOf(hostKeys);
            licensePacks = Set.copyOf(licensePacks);
            outages = Outage.merged(outages);
            changes = List.copyOf(changes);
        }
    }

    /**
     * At {@code at} (from the start), the administrator installs these license packs and host keys on the host.
     */
    public record HostChange(Duration at, Set<String> addLicensePacks, List<HostKey> addHostKeys) {
        public HostChange {
            addLicensePacks = Set.copyOf(addLicensePacks);
            addHostKeys = List.copyOf(addHostKeys);
        }
    }

    /** The host is unreachable from {@code from} to {@code to}, both counted from the start. */
    public record Outage(Duration from, Duration to) {
        /**
         * The outages as the host lives them, in time order: those that overlap or touch are one, from the first's
         * start to the last's end. Kept apart, a scenario's {@code outages: [{from: 2d, to: 6d}, {from: 4d, to: 8d}]}
         * (or a what-if's outage over one the snapshot has) brought the host back at day 6 in the timeline and the
         * report while it stayed down to day 8.
         */
        public static List<Outage> merged(List<Outage> outages) {
            List<Outage> sorted = new ArrayList<>(outages);
            sorted.sort(Comparator.comparing(Outage::from));
            List<Outage> out = new ArrayList<>();
            for (Outage o : sorted) {
                Outage last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && o.from().compareTo(last.to()) <= 0) {
                    out.set(
                            out.size() - 1,
                            new Outage(last.from(), o.to().compareTo(last.to()) > 0 ? o.to() : last.to()));
                } else {
                    out.add(o);
                }
            }
            return List.copyOf(out);
        }
    }

    /** One product a group's machines have installed. */
    public record ProductPlan(LoadedFamily family, Sku sku) {}

    /**
     * Identical machines arriving one after another.
     *
     * @param namePattern machine names; {@code {n}} is replaced by the machine's number in the group
     * @param count how many
     * @param products what each has installed
     * @param arrive when the first arrives
     * @param every the spacing between arrivals
     * @param leave when they all leave, if they do
     * @param clockSkew how far their clocks are off (positive: ahead)
     * @param endpoint their KMS client setting
     * @param hostCaching whether KMS host caching is on (default on, §2.5)
     * @param cloned whether they were cloned from one image without generalization (they share one CMID, §1.2)
     * @param windows their Windows version
     * @param domain their DNS domain
     */
    public record MachineGroup(
            String namePattern,
            int count,
            List<ProductPlan> products,
            Duration arrive,
            Duration every,
            Optional<Duration> leave,
            Duration clockSkew,
            KmsEndpoint endpoint,
            boolean hostCaching,
            boolean cloned,
            WindowsVersion windows,
            String domain) {
        public MachineGroup {
            products = List.copyOf(products);
        }

        /** The i-th machine's name (0-based). */
        public String machineName(int i) {
            // The number zero-padded to the width of the group's count (at least two digits), as "%0<width>d" gives
            // it in an ASCII locale: String.format took more time per machine than the year's first activation.
            int width = Math.max(2, String.valueOf(count).length());
            String digits = Integer.toString(i + 1);
            String n = digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
            return namePattern.contains("{n}")
                    ? namePattern.replace("{n}", n)
                    : count == 1 ? namePattern : namePattern + "-" + n;
        }
    }

    /** A family's MAK fallback and how many activations its MAK allows at the simulated Microsoft service. */
    public record MakPlan(MakFallbackPolicy policy, int activations) {}
}
