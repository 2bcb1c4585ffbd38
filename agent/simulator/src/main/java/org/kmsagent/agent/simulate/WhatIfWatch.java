package org.kmsagent.agent.simulate;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.kmsagent.agent.rules.KmsRules;

/**
 * What a what-if finds, read off the lab's events: when each host's count pool falls below each of its thresholds
 * (and is back at it), and which machines' products lapse when (their activation ran out: out-of-tolerance grace;
 * their grace ran out: notification) and when they are licensed again.
 *
 * <p>The crossings are the lab's own {@code below-threshold} and {@code threshold-reached} events, at the moment the
 * host's count crosses: the lab tells a pool decaying during an outage (entries age out 30 days after their last
 * request, docs/kms-rules.md §1.2) as each entry leaves the count, although no client hears a count then.
 */
public final class WhatIfWatch implements Consumer<LabEvent> {
    private final Scenario scenario;
    // Per host, per pool: the count at the start (0 for a pool first counted during the run).
    private final Map<String, Map<String, Integer>> atStart = new TreeMap<>();
    private final List<Crossing> crossings = new ArrayList<>();
    private final Map<String, Lapse> open = new LinkedHashMap<>();
    private final List<Lapse> lapses = new ArrayList<>();

    /**
     * A pool's count crossing a threshold: {@code below} true when it fell below; {@code back} true when it reached a
     * threshold it had fallen below during the run (a pool that starts under its threshold reaches it, it is not back).
     */
    public record Crossing(
            String host, String pool, int threshold, boolean below, boolean back, Instant at, int count) {
        /** How the text and the report say it: {@code falls below}, {@code back at} or {@code reaches}. */
        public String words() {
            return below ? "falls below" : back ? "back at" : "reaches";
        }
    }

    /** One product's lapse, and when it was licensed again if it was within the run. */
    public static final class Lapse {
        public final String machine;
        public final String family;
        public final String sku;
        public final String kind;
        public final Instant at;
        public Instant licensedAgain;

        Lapse(String machine, String family, String sku, String kind, Instant at) {
            this.machine = machine;
            this.family = family;
            this.sku = sku;
            this.kind = kind;
            this.at = at;
        }
    }

    public WhatIfWatch(Scenario scenario) {
        this.scenario = scenario;
    }

    @Override
    public void accept(LabEvent e) {
        switch (e.event()) {
            // The count at the start, as the lab's host model holds it from the present's table.
            case "host-status" -> {
                if (e.time().equals(scenario.start())) {
                    poolsOf(e.host().orElseThrow()).put(e.pool(), e.count().getAsInt());
                }
            }
            case "threshold-reached", "below-threshold" -> {
                String host = e.host().orElse("");
                int threshold = e.required().getAsInt();
                boolean below = e.event().equals("below-threshold");
                // The lab tells a crossing each way in turn, so a threshold reached after one it fell below is back.
                boolean back = !below
                        && crossings.stream()
                                .anyMatch(c -> c.below()
                                        && c.threshold() == threshold
                                        && c.host().equals(host)
                                        && c.pool().equals(e.pool()));
                crossings.add(new Crossing(
                        host,
                        e.pool(),
                        threshold,
                        below,
                        back,
                        e.time(),
                        e.count().getAsInt()));
            }
            case "expired", "grace-expired" -> {
                String key = e.machine() + "\u0000" + e.sku();
                if (!open.containsKey(key)) {
                    Lapse l = new Lapse(
                            e.machine(),
                            e.family(),
                            e.sku(),
                            e.event().equals("expired") ? "activation ran out" : "grace over (notification)",
                            e.time());
                    open.put(key, l);
                    lapses.add(l);
                }
            }
            case "activated", "mak-activated" -> {
                Lapse l = open.remove(e.machine() + "\u0000" + e.sku());
                if (l != null) {
                    l.licensedAgain = e.time();
                }
            }
            default -> {}
        }
        // A host that told a count of a pool counts it: listed, from 0 unless the present had it (looked up without
        // building a key, as nearly every attempt tells a count).
        if (e.count().isPresent() && e.host().isPresent() && !e.pool().isEmpty()) {
            poolsOf(e.host().get()).putIfAbsent(e.pool(), 0);
        }
    }

    private Map<String, Integer> poolsOf(String host) {
        return atStart.computeIfAbsent(host, h -> new TreeMap<>());
    }

    public List<Crossing> crossings() {
        return crossings;
    }

    public List<Lapse> lapses() {
        return lapses;
    }

    /** Per "host pool" (by host, then pool), the count at the start. */
    public Map<String, Integer> atStart() {
        Map<String, Integer> flat = new LinkedHashMap<>();
        atStart.forEach((host, pools) -> pools.forEach((pool, count) -> flat.put(host + " " + pool, count)));
        return flat;
    }

    /** {@code day 12 04:00} from the start. */
    public String when(Instant t) {
        Duration d = Duration.between(scenario.start(), t);
        return String.format(Locale.ROOT, "day %3d %02d:%02d", d.toDays(), d.toHoursPart(), d.toMinutesPart());
    }

    /**
     * The default host standing in for the fleet's, when the snapshot names none (a fleet with no watched host): its
     * pools are not the fleet's host's, and the reader must know it.
     */
    private Optional<String> assumedHost() {
        return scenario.hostNamed() || scenario.present().isEmpty()
                ? Optional.empty()
                : Optional.of(scenario.host().name());
    }

    /** The findings as text. */
    public void print(PrintWriter out, List<String> changes) {
        // Whole seconds, as the dashboard shows the time: a hub's snapshot is taken to the nanosecond.
        out.println("What-if from the fleet at " + scenario.start().truncatedTo(ChronoUnit.SECONDS) + " (day 0), "
                + scenario.length().toDays() + (scenario.length().toDays() == 1 ? " day" : " days"));
        out.println("Changes:");
        if (changes.isEmpty()) {
            out.println("  none (the fleet as it is)");
        }
        changes.forEach(c -> out.println("  " + c));
        scenario.present().leftOut().forEach(l -> out.println("Left out: " + l));
        assumedHost()
                .ifPresent(h -> out.println("No KMS host in the snapshot (no agent watched one): " + h
                        + ", the simulator's default host, stands in for it, its table empty at the start"));
        out.println();
        out.println(
                "Pools (the host's count: distinct CMIDs of the last " + KmsRules.COUNT_WINDOW.toDays() + " days):");
        Map<String, Integer> pools = atStart();
        if (pools.isEmpty()) {
            out.println("  no host counted anything");
        }
        for (Map.Entry<String, Integer> p : pools.entrySet()) {
            String[] hp = p.getKey().split(" ", 2);
            out.printf(Locale.ROOT, "  %s pool %s: count %d at the start%n", hp[0], hp[1], p.getValue());
            boolean any = false;
            for (Crossing c : crossings) {
                if (c.host().equals(hp[0]) && c.pool().equals(hp[1])) {
                    any = true;
                    out.printf(
                            Locale.ROOT,
                            "    %s  %s threshold %d (count %d)%n",
                            when(c.at()),
                            c.words(),
                            c.threshold(),
                            c.count());
                }
            }
            if (!any) {
                out.println("    no threshold crossed");
            }
        }
        out.println();
        out.println("Machines that lapse: " + lapses.size());
        // Columns at least as wide as a short name and an edition's display name, wider when a row needs it (an FQDN
        // as machine name), so every row's kind starts in one column.
        int machineWidth = Math.max(
                16, lapses.stream().mapToInt(l -> l.machine.length()).max().orElse(0));
        int skuWidth =
                Math.max(34, lapses.stream().mapToInt(l -> l.sku.length()).max().orElse(0));
        String row = "  %s  %-" + machineWidth + "s %-" + skuWidth + "s %s%s%n";
        for (Lapse l : lapses) {
            out.printf(
                    Locale.ROOT,
                    row,
                    when(l.at),
                    l.machine,
                    l.sku,
                    l.kind,
                    l.licensedAgain == null
                            ? "; not licensed again by the end"
                            : "; licensed again " + when(l.licensedAgain));
        }
        out.flush();
    }

    /** The findings as one JSON object (keys in a fixed order). */
    public Map<String, Object> json(List<String> changes) {
        List<Object> pools = new ArrayList<>();
        for (Map.Entry<String, Integer> p : atStart().entrySet()) {
            String[] hp = p.getKey().split(" ", 2);
            List<Object> cs = new ArrayList<>();
            crossings.stream()
                    .filter(c -> c.host().equals(hp[0]) && c.pool().equals(hp[1]))
                    .forEach(c -> cs.add(object(
                            "threshold",
                            c.threshold(),
                            "event",
                            c.below() ? "below-threshold" : "threshold-reached",
                            "time",
                            c.at().toString(),
                            "day",
                            day(c.at()),
                            "count",
                            c.count())));
            pools.add(object("host", hp[0], "pool", hp[1], "countAtStart", p.getValue(), "crossings", cs));
        }
        List<Object> ls = new ArrayList<>();
        for (Lapse l : lapses) {
            ls.add(object(
                    "machine",
                    l.machine,
                    "family",
                    l.family,
                    "sku",
                    l.sku,
                    "lapse",
                    l.kind,
                    "time",
                    l.at.toString(),
                    "day",
                    day(l.at),
                    "licensedAgain",
                    l.licensedAgain == null ? null : l.licensedAgain.toString()));
        }
        return object(
                "start",
                scenario.start().toString(),
                "days",
                scenario.length().toDays(),
                "changes",
                changes,
                "leftOut",
                scenario.present().leftOut(),
                "assumedHost",
                assumedHost().orElse(null),
                "pools",
                pools,
                "lapses",
                ls);
    }

    private static Map<String, Object> object(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Whole days from the start. */
    private long day(Instant t) {
        return Duration.between(scenario.start(), t).toDays();
    }
}
