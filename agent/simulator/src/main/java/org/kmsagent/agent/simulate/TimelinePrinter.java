package org.kmsagent.agent.simulate;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.core.text.Table;
import org.kmsagent.agent.renewal.Diagnosis;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.KmsEndpoint;

/**
 * The human timeline: what changed, when. Each machine's first attempt and every change of outcome (a new result
 * or a new cause) get a line; threshold crossings, host outages, expiries and MAK fallbacks always do. Repeats
 * (renewals, the same refusal again) are counted and summarized every 30 days. Fleets over
 * {@value #MACHINE_LINES_LIMIT} machines get one line for the first of each kind of event per family (first
 * activation, first refusal of each cause, first expiry), the rest only in the digests.
 */
public final class TimelinePrinter implements Consumer<LabEvent> {
    static final int MACHINE_LINES_LIMIT = 200;
    private static final Duration DIGEST = Duration.ofDays(30);

    private final PrintWriter out;
    private final Instant start;
    private final boolean perMachine;
    // With more than one host each keeps its own count: a pool's line then names the host whose count it is.
    private final boolean namesHosts;
    private final String lineFormat;
    private final Map<String, String> lastSignature = new HashMap<>();
    private final Set<String> firstPerFamily = new HashSet<>();
    // Counters kept as long[1] so that counting a renewal boxes nothing; printed in key order.
    private final Map<String, long[]> suppressed = new TreeMap<>();
    private final Instant end;
    private Instant nextDigest;
    private Instant digestFrom;

    public TimelinePrinter(PrintWriter out, Scenario s) {
        this.out = out;
        this.start = s.start();
        this.namesHosts = s.hosts().size() > 1;
        this.perMachine =
                s.groups().stream().mapToLong(Scenario.MachineGroup::count).sum() <= MACHINE_LINES_LIMIT;
        int nameWidth = s.groups().stream()
                .mapToInt(g -> Math.max(
                        g.machineName(0).length(), g.machineName(g.count() - 1).length()))
                .max()
                .orElse(12);
        int skuWidth = s.groups().stream()
                .flatMap(g -> g.products().stream())
                .mapToInt(p -> p.sku().name().length())
                .max()
                .orElse(30);
        this.lineFormat = "%-13s  %-" + Math.min(24, Math.max(12, nameWidth)) + "s %-"
                + Math.min(40, Math.max(24, skuWidth + 1)) + "s %s%n";
        this.end = start.plus(s.length());
        this.nextDigest = start.plus(DIGEST);
        this.digestFrom = start;
        header(s);
    }

    private void header(Scenario s) {
        out.println("Scenario: " + s.name());
        if (!s.description().isEmpty()) {
            s.description().lines().forEach(l -> out.println("  " + l));
        }
        for (Scenario.HostPlan h : s.hosts()) {
            out.println("KMS host: " + AddressText.of(h.name(), h.port())
                    + (h.publishDns()
                            ? ", SRV record in " + h.domain()
                                    + (h.priority() != 0 || h.weight() != 0
                                            ? " (priority " + h.priority() + ", weight " + h.weight() + ")"
                                            : "")
                            : ", no DNS publishing")
                    + "; intervals: activation " + Durations.format(h.activationInterval())
                    + ", renewal " + Durations.format(h.renewalInterval()));
            out.println("  host keys: "
                    + (h.hostKeys().isEmpty()
                            ? "none"
                            : h.hostKeys().stream().map(HostKey::name).collect(Collectors.joining(", "))));
            out.println("  license packs: "
                    + (h.licensePacks().isEmpty()
                            ? "none"
                            : h.licensePacks().stream().sorted().collect(Collectors.joining(", "))));
            for (Scenario.Outage o : h.outages()) {
                out.println("  outage: " + stamp(start.plus(o.from())) + " to " + stamp(start.plus(o.to())));
            }
            for (Scenario.HostChange c : h.changes()) {
                out.println("  " + stamp(start.plus(c.at())) + ": installs "
                        + Stream.concat(
                                        c.addLicensePacks().stream().sorted(),
                                        c.addHostKeys().stream().map(HostKey::name))
                                .collect(Collectors.joining(", ")));
            }
        }
        s.snapshots().ifPresent(every -> out.println("Host status every " + Durations.format(every)));
        out.println("Fleet:");
        for (Scenario.MachineGroup g : s.groups()) {
            String names = g.count() == 1 ? g.machineName(0) : g.machineName(0) + " .. " + g.machineName(g.count() - 1);
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %,d x %s: ", g.count(), names));
            b.append(g.products().stream().map(p -> p.sku().name()).collect(Collectors.joining(" + ")));
            b.append("; from ").append(stamp(start.plus(g.arrive())));
            if (g.count() > 1 && !g.every().isZero()) {
                b.append(" every ").append(Durations.format(g.every()));
            }
            g.leave().ifPresent(l -> b.append("; leave ").append(stamp(start.plus(l))));
            if (!g.clockSkew().isZero()) {
                b.append("; clock ")
                        .append(g.clockSkew().isNegative() ? "" : "+")
                        .append(Durations.format(g.clockSkew()));
            }
            if (g.cloned()) {
                b.append("; cloned (one CMID)");
            }
            if (!(g.endpoint() instanceof KmsEndpoint.Discovery d
                    && d.lookupDomain().isEmpty())) {
                b.append("; KMS ").append(g.endpoint());
            }
            out.println(b);
        }
        s.makFallback()
                .forEach((fam, p) -> out.println("MAK fallback for " + fam + ": after "
                        + Durations.format(p.policy().after()) + " of count refusals, MAK "
                        + p.policy().mak().orElseThrow()
                        + " (" + p.activations() + " activations)"));
        out.println("Seed " + s.seed() + ", " + s.length().toDays()
                + (s.length().toDays() == 1 ? " day" : " days") + " from " + start);
        out.println();
    }

    @Override
    public void accept(LabEvent e) {
        digestUpTo(e.time());
        switch (e.event()) {
            case "host-down" -> line(e, "", "", "KMS host " + e.host().orElse("") + " unreachable (outage starts)");
            case "host-up" -> line(e, "", "", "KMS host " + e.host().orElse("") + " reachable again");
            case "host-changed" ->
                line(
                        e,
                        "",
                        "",
                        "KMS host " + e.host().orElse("") + ": the administrator installed what"
                                + " the scenario lists for this time (see the header)");
            case "host-status" ->
                line(
                        e,
                        "",
                        "",
                        "KMS host " + e.host().orElse("") + " pool " + e.pool() + ": count "
                                + e.count().getAsInt());
            case "threshold-reached" ->
                line(
                        e,
                        "",
                        "",
                        poolOf(e) + ": count " + e.count().getAsInt() + " reached threshold "
                                + e.required().getAsInt());
            case "below-threshold" ->
                line(
                        e,
                        "",
                        "",
                        poolOf(e) + ": count " + e.count().getAsInt() + " fell below threshold "
                                + e.required().getAsInt());
            case "aged-out" -> entryLeft(e, "aged out", "last request " + KmsRules.COUNT_WINDOW.toDays() + " days ago");
            case "pushed-out" -> entryLeft(e, "pushed out", "the table was full (least recently seen)");
            case "machine-arrived" -> count("arrivals");
            case "machine-left" -> {
                if (perMachine) {
                    line(
                            e,
                            e.machine(),
                            "",
                            "left the network (its loops stop; its CMID ages out of the host's table)");
                } else {
                    count("departures");
                }
            }
            default -> attempt(e);
        }
    }

    /**
     * A client's entry left a pool's count: a line per machine in small fleets, counted in the digests otherwise (in a
     * fleet larger than the table nearly every request pushes one out, so no text is built for those).
     */
    private void entryLeft(LabEvent e, String counted, String why) {
        if (perMachine) {
            line(
                    e,
                    e.namedClient() ? e.machine() : "",
                    "",
                    counted + " of pool " + e.pool() + " on " + e.host().orElse("") + ": CMID " + e.cmid() + ", "
                            + why);
        } else {
            count(counted);
        }
    }

    private void attempt(LabEvent e) {
        boolean always = switch (e.event()) {
            case "expired", "grace-expired", "mak-activated", "mak-failed", "gvlk-installed" -> true;
            default -> false;
        };
        if (!perMachine) {
            // Large fleets: the first of each notable event per family gets a line, the rest are counted.
            boolean notable =
                    always || e.event().equals("activated") || e.event().endsWith("-failed");
            if (notable
                    && firstPerFamily.add(e.family() + "|" + e.event() + "|"
                            + e.diagnosis().map(d -> d.cause().name()).orElse(""))) {
                line(e, e.machine(), e.sku(), "first of " + e.family() + ": " + describe(e));
            }
            count(e.event().equals("renewed") ? "renewals" : e.event());
            return;
        }
        if (always) {
            line(e, e.machine(), e.sku(), describe(e));
            return;
        }
        String key = e.machine() + "\u0000" + e.sku();
        String signature = e.event() + "|" + e.hresult().map(h -> h.hex()).orElse("") + "|"
                + e.diagnosis().map(d -> d.cause().name()).orElse("");
        String previous = lastSignature.put(key, signature);
        boolean repeat = signature.equals(previous)
                || (e.event().equals("renewed") && previous != null && previous.startsWith("activated"));
        if (repeat) {
            count(e.event().equals("renewed") ? "renewals" : "repeated failures");
            return;
        }
        line(e, e.machine(), e.sku(), describe(e));
    }

    private static String describe(LabEvent e) {
        String hex = e.hresult().map(h -> h.hex()).orElse("");
        String counted = e.count().isPresent()
                ? "count " + e.count().getAsInt()
                        + e.required().stream()
                                .mapToObj(r -> ", threshold " + r)
                                .findFirst()
                                .orElse("")
                : "";
        return switch (e.event()) {
            case "activated" -> "ACTIVATED (" + counted + "; valid " + KmsRules.VALIDITY.toDays() + " days)";
            case "renewed" -> "renewed (" + counted + "; validity restarts; further renewals summarized)";
            case "expired" ->
                "EXPIRED: " + KmsRules.VALIDITY.toDays() + " days without renewal, out-of-tolerance grace";
            case "grace-expired" -> "grace over: notification state (" + hex + ")";
            case "mak-activated" -> "MAK fallback: MAK installed and activated online (permanent)";
            case "gvlk-installed" -> "installed the edition's GVLK";
            default -> {
                String what = e.event().replace('-', ' ') + " " + hex;
                yield e.diagnosis()
                        .map(d -> what + ": "
                                + (d.cause() == Diagnosis.Cause.COUNT_BELOW_THRESHOLD
                                        ? d.detail()
                                        : d.cause().summary() + " (" + d.detail() + ")"))
                        .orElse(what);
            }
        };
    }

    private void count(String what) {
        long[] n = suppressed.get(what);
        if (n == null) {
            suppressed.put(what, new long[] {1});
        } else {
            n[0]++;
        }
    }

    /**
     * Prints the digests due before {@code t}. A digest at the run's end instant is left to {@link #finish}: the
     * events of that last instant belong to the run and go in its last digest, not in one of their own after it.
     */
    private void digestUpTo(Instant t) {
        while (!t.isBefore(nextDigest) && nextDigest.isBefore(end)) {
            digest(nextDigest);
            digestFrom = nextDigest;
            nextDigest = nextDigest.plus(DIGEST);
        }
    }

    private void digest(Instant at) {
        suppressed.remove("arrivals");
        if (suppressed.isEmpty()) {
            return;
        }
        String what = suppressed.entrySet().stream()
                .map(x -> String.format(Locale.ROOT, "%s %,d", x.getKey(), x.getValue()[0]))
                .collect(Collectors.joining(", "));
        out.printf(
                Locale.ROOT,
                "%-13s  ... since %s: %s%n",
                stamp(at),
                stamp(digestFrom).strip(),
                what);
        suppressed.clear();
    }

    /** Flushes the last digest and prints the summary. */
    public void finish(LabSummary summary, Instant end) {
        digest(end);
        out.println();
        out.printf(
                Locale.ROOT,
                "Summary after %s (%,d machines, %,d scheduler events%s)%n",
                stamp(end).strip(),
                summary.machines(),
                summary.events(),
                summary.toArrive() == 0
                        ? ""
                        : String.format(Locale.ROOT, "; %,d more to arrive after the end", summary.toArrive()));
        // Columns as wide as their content: a family or pool id of any length keeps the figures under their heads.
        Table table = new Table(
                        "pool",
                        "family",
                        "products",
                        "licensed",
                        "(MAK)",
                        "grace",
                        "notification",
                        "left",
                        "activations",
                        "renewals",
                        "failures")
                .rightAligned(2, 3, 4, 5, 6, 7, 8, 9, 10);
        for (LabSummary.Row r : summary.rows()) {
            List<Object> cells = new ArrayList<>(List.of(r.pool(), r.family()));
            for (long v : r.figures()) {
                // Grouped as every other figure simulate prints ("repeated failures 4,308").
                cells.add(String.format(Locale.ROOT, "%,d", v));
            }
            table.row(cells.toArray());
        }
        table.print(out);
        List<LabSummary.Row> failing = summary.rows().stream()
                .filter(r -> !r.failuresByCause().isEmpty())
                .toList();
        if (!failing.isEmpty()) {
            out.println("Failed attempts by diagnosed cause:");
            for (LabSummary.Row r : failing) {
                out.println("  " + r.family() + ": "
                        + r.failuresByCause().entrySet().stream()
                                .sorted(Map.Entry.<String, Long>comparingByValue()
                                        .reversed()
                                        .thenComparing(Map.Entry.comparingByKey()))
                                .map(x -> String.format(Locale.ROOT, "%s %,d", x.getKey(), x.getValue()))
                                .collect(Collectors.joining(", ")));
            }
        }
        List<LabSummary.Row> unlicensed =
                summary.rows().stream().filter(r -> !r.lastProblems().isEmpty()).toList();
        if (!unlicensed.isEmpty()) {
            out.println("Not licensed at the end, by last refusal:");
            // A list rather than a table (no heading row, like the list above it), but its columns are as wide as their
            // content as the closing table's are: a family id of any length keeps the figures in one column.
            int familyWidth =
                    unlicensed.stream().mapToInt(r -> r.family().length()).max().orElseThrow();
            int figureWidth = unlicensed.stream()
                    .flatMap(r -> r.lastProblems().values().stream())
                    .mapToInt(n -> String.format(Locale.ROOT, "%,d", n).length())
                    .max()
                    .orElseThrow();
            String lineFormat = "  %-" + familyWidth + "s  %," + figureWidth + "d x %s%n";
            for (LabSummary.Row r : unlicensed) {
                r.lastProblems().entrySet().stream()
                        .sorted(Map.Entry.<String, Integer>comparingByValue()
                                .reversed()
                                .thenComparing(Map.Entry.comparingByKey()))
                        .forEach(x -> out.printf(Locale.ROOT, lineFormat, r.family(), x.getValue(), x.getKey()));
            }
        }
        if (namesHosts) {
            out.println("Last count reported per host and pool: "
                    + summary.lastCountByHost().entrySet().stream()
                            .map(h -> h.getKey() + ": " + (h.getValue().isEmpty() ? "none" : counts(h.getValue())))
                            .collect(Collectors.joining("; ")));
        } else if (!summary.lastCount().isEmpty()) {
            out.println("Last count reported per pool: " + counts(summary.lastCount()));
        }
        out.flush();
    }

    /** {@code windows 36, office 7} */
    private static String counts(Map<String, Integer> byPool) {
        return byPool.entrySet().stream()
                .map(x -> x.getKey() + " " + x.getValue())
                .collect(Collectors.joining(", "));
    }

    /** {@code pool windows}, or with several hosts {@code KMS host kms02.corp.example pool windows}. */
    private String poolOf(LabEvent e) {
        return (namesHosts && e.host().isPresent() ? "KMS host " + e.host().get() + " " : "") + "pool " + e.pool();
    }

    private void line(LabEvent e, String machine, String sku, String what) {
        out.printf(Locale.ROOT, lineFormat, stamp(e.time()), machine, sku, what);
    }

    /** {@code day  12 14:00}, counted from the start. */
    String stamp(Instant t) {
        Duration d = Duration.between(start, t);
        return String.format(Locale.ROOT, "day %3d %02d:%02d", d.toDays(), d.toHoursPart(), d.toMinutesPart());
    }
}
