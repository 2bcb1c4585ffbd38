package org.kmsagent.agent.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.kmsagent.agent.report.ReportCollector.Moment;
import org.kmsagent.agent.report.ReportCollector.PoolSeries;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.simulate.LabSummary;
import org.kmsagent.agent.simulate.Scenario;

/**
 * {@code kms-agent simulate … --report FILE}: one self-contained HTML file (inline SVG and CSS, no script, nothing
 * fetched) with, per count pool, the count against each threshold, activations and renewals, and products by state
 * over time, then the notable moments and the closing figures. The same scenario and seed give the same bytes.
 *
 * <p>Stable hooks for readers and tests: each pool is {@code section.pool[data-pool=ID]}; its charts are
 * {@code svg#count-ID.count-chart}, {@code svg#activity-ID.activity-chart} and {@code svg#states-ID.states-chart}
 * (a pool only a present's tables name, {@code p.hint.present-only}, has the count chart alone);
 * series carry {@code data-series} ({@code count} with {@code data-host}, one per KMS host, lifted by a
 * {@code transform} after the first (see {@link HostLineStyle}), whose legend key is {@code span.key.line} with the
 * same {@code data-host}; {@code threshold} with
 * {@code data-threshold}, {@code outage},
 * {@code activations}, {@code renewals}, {@code state} with {@code data-state}); the moments are
 * {@code table#moments}.
 */
public final class SimulationReport {
    private SimulationReport() {}

    /** Writes the report atomically (a reader never sees half a file). */
    public static void write(Path file, Scenario scenario, ReportCollector data, LabSummary summary)
            throws IOException {
        write(file, scenario, data, summary, "");
    }

    /** The report with one more section (HTML) after the closing figures: a what-if's findings. */
    public static void write(Path file, Scenario scenario, ReportCollector data, LabSummary summary, String more)
            throws IOException {
        String html = render(scenario, data, summary).replace("</main>\n</body>", more + "</main>\n</body>");
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".report-", ".html.tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            // A temporary file is private (0600); a report is a document to share: rw-r--r-- like any file written.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String render(Scenario scenario, ReportCollector data, LabSummary summary) {
        StringBuilder h = new StringBuilder(64 * 1024);
        String title = scenario.name();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"kms-agent simulate\">\n")
                .append("<title>")
                .append(Html.escape(title))
                .append(" — kms-agent simulation</title>\n<style>\n")
                .append(css())
                .append("</style>\n</head>\n<body>\n<header>\n<h1>")
                .append(Html.escape(title))
                .append("</h1>\n");
        if (!scenario.description().isBlank()) {
            h.append("<p class=\"description\">")
                    .append(Html.escape(scenario.description()))
                    .append("</p>\n");
        }
        long days = scenario.length().toDays();
        h.append("<dl class=\"facts\" id=\"facts\">")
                .append(fact("start", scenario.start().toString()))
                .append(fact("days", String.valueOf(days)))
                .append(fact("seed", String.valueOf(scenario.seed())))
                .append(fact("machines", String.format(Locale.ROOT, "%,d", summary.machines())))
                .append(
                        summary.toArrive() == 0
                                ? ""
                                : fact(
                                        "to arrive after the end",
                                        String.format(Locale.ROOT, "%,d", summary.toArrive())))
                .append(fact("events", String.format(Locale.ROOT, "%,d", summary.events())))
                .append(fact("KMS host", scenario.host().name()))
                .append(
                        "</dl>\n<p class=\"hint\">A simulation on a virtual clock (kms-agent simulate): no network, no real "
                                + "licensing. Times are days from the start. Charts are sampled every ")
                .append(data.bucket().toHours() == 1 ? "hour" : "day")
                .append(".</p>\n</header>\n<main>\n");
        h.append("<nav class=\"toc\"><ul>");
        data.pools()
                .values()
                .forEach(p -> h.append("<li><a href=\"#pool-")
                        .append(Html.escape(p.id))
                        .append("\">")
                        .append(Html.escape(p.displayName))
                        .append("</a></li>"));
        h.append("<li><a href=\"#moments-section\">Notable moments</a></li>")
                .append("<li><a href=\"#closing\">At the end</a></li></ul></nav>\n");
        for (PoolSeries p : data.pools().values()) {
            pool(h, data, p, scenario.length());
        }
        moments(h, data);
        closing(h, summary);
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String fact(String name, String value) {
        return "<div><dt>" + Html.escape(name) + "</dt><dd>" + Html.escape(value) + "</dd></div>";
    }

    private static void pool(StringBuilder h, ReportCollector data, PoolSeries p, Duration length) {
        String id = p.id;
        double minutes = length.toMinutes();
        double bucket = data.bucket().toMinutes();
        h.append("<section class=\"pool\" id=\"pool-")
                .append(Html.escape(id))
                .append("\" data-pool=\"")
                .append(Html.escape(id))
                .append("\">\n<h2>")
                .append(Html.escape(p.displayName))
                .append(" pool</h2>\n");
        if (p.products == 0) {
            // Only a present's tables name this pool: nothing in it is the lab's to activate or renew.
            h.append("<p class=\"hint present-only\">No machine of the fleet has a product in this pool: its count is"
                    + " what the host's table holds at the start (clients the simulation does not run), until their"
                    + " entries age out. With nothing to activate or renew here, the count is its only chart.</p>\n");
        } else {
            h.append("<p class=\"hint\">")
                    .append(String.format(Locale.ROOT, "%,d", p.products))
                    .append(" products count in this pool; ")
                    .append(String.format(Locale.ROOT, "%,d", p.totalActivations))
                    .append(" activations and ")
                    .append(String.format(Locale.ROOT, "%,d", p.totalRenewals))
                    .append(" renewals over the run.</p>\n");
        }
        if (p.agedOut > 0 || p.pushedOut > 0) {
            h.append("<p class=\"hint entries-left\" data-aged-out=\"")
                    .append(p.agedOut)
                    .append("\" data-pushed-out=\"")
                    .append(p.pushedOut)
                    .append("\">Entries that left the host's count: ")
                    .append(String.format(Locale.ROOT, "%,d", p.agedOut))
                    .append(" aged out (no request for ")
                    .append(KmsRules.COUNT_WINDOW.toDays())
                    .append(" days), ")
                    .append(String.format(Locale.ROOT, "%,d", p.pushedOut))
                    .append(" pushed out (the table was full).</p>\n");
        }
        if (p.totalActivations == 0 && p.totalRenewals == 0 && p.refusals > 0) {
            // Empty charts alone would read as "nothing happened"; say that everything was refused, and why.
            h.append("<p class=\"note refused\" data-refusals=\"")
                    .append(p.refusals)
                    .append("\">This pool had no activation " + "and no renewal: all ")
                    .append(String.format(Locale.ROOT, "%,d", p.refusals))
                    .append(" attempts were refused, the latest with ")
                    .append(Html.escape(p.lastRefusal))
                    .append(". A refused request does not count (the count stays at 0).</p>\n");
        }

        // 1. The count against each threshold: one line per host, each keeping its own count (docs/kms-rules.md §1.2);
        // a host that never reported one is left out, unless no host did.
        Map<String, int[]> counts = new LinkedHashMap<>();
        p.countByHost.forEach((host, series) -> {
            if (Arrays.stream(series).anyMatch(v -> v >= 0)) {
                counts.put(host, series);
            }
        });
        if (counts.isEmpty()) {
            p.countByHost.entrySet().stream().limit(1).forEach(e -> counts.put(e.getKey(), e.getValue()));
        }
        int highest =
                counts.values().stream().flatMapToInt(Arrays::stream).max().orElse(0);
        int top = Math.max(highest, p.thresholds.isEmpty() ? 1 : p.thresholds.lastKey());
        Svg c = new Svg(
                "count-" + id,
                "count-chart",
                id,
                p.displayName + ": count against thresholds",
                minutes,
                top,
                "machines counted");
        for (ReportCollector.Outage o : data.outages()) {
            c.span(
                    minutesFrom(data.start(), o.from()),
                    minutesFrom(data.start(), o.to()),
                    "outage",
                    "host outage (" + o.host() + "): day " + day(data.start(), o.from()) + " to day "
                            + day(data.start(), o.to()));
        }
        // The thresholds under the count: a count sitting on its threshold stays visible (a solid line over the wider,
        // lighter dashed one, which shows on both sides of it).
        p.thresholds.forEach((required, classes) -> c.level(
                required,
                "threshold",
                "data-threshold=\"" + required + "\" data-threshold-class=\"" + Html.escape(String.join(" ", classes))
                        + "\"",
                (classes.isEmpty() ? "" : String.join(", ", classes) + " ") + "threshold " + required));
        List<String> countLegends = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            // Each host's line in a dash pattern and colour of its own, lifted clear of the lines before it (hosts
            // often count the same), its key in the legend naming the host and the lift.
            HostLineStyle style = HostLineStyle.of(n++);
            c.steps(
                    Arrays.stream(e.getValue()).asDoubleStream().toArray(),
                    bucket,
                    "count",
                    "count",
                    "data-host=\"" + Html.escape(e.getKey()) + "\" " + style.attributes());
            countLegends.add("<span class=\"key line\" data-host=\"" + Html.escape(e.getKey()) + "\">" + style.key()
                    + Html.escape(
                            counts.size() == 1 ? "count the host reported" : "count " + e.getKey() + style.liftNote())
                    + "</span>");
        }
        countLegends.add(legend("threshold", "threshold (activations granted at or " + "above it)"));
        countLegends.add(data.outages().isEmpty() ? "" : legend("outage", "host unreachable"));
        figure(
                h,
                c.end(),
                counts.size() == 1 ? "Count reported by the KMS host" : "Count reported by each KMS host",
                countLegends);

        if (p.products == 0) {
            // Activations, renewals and products by state could only be flat zeros: none is drawn (said above).
            h.append("</section>\n");
            return;
        }

        // 2. Activations and renewals per bucket.
        double[] act = new double[p.activations.length];
        double[] ren = new double[p.renewals.length];
        double most = 0;
        for (int i = 0; i < act.length; i++) {
            act[i] = p.activations[i];
            ren[i] = p.renewals[i];
            most = Math.max(most, Math.max(act[i], ren[i]));
        }
        String per = data.bucket().toHours() == 1 ? "hour" : "day";
        Svg a = new Svg(
                "activity-" + id,
                "activity-chart",
                id,
                p.displayName + ": activations and renewals per " + per,
                minutes,
                most,
                "per " + per);
        a.steps(act, bucket, "activations", "activations", "data-total=\"" + p.totalActivations + "\"");
        a.steps(ren, bucket, "renewals", "renewals", "data-total=\"" + p.totalRenewals + "\"");
        figure(
                h,
                a.end(),
                "Activations and renewals per " + per,
                List.of(legend("activations", "activations"), legend("renewals", "renewals")));

        // 3. Products by state, stacked.
        int buckets = p.activations.length;
        double[] lower = new double[buckets];
        double peak = 0;
        for (int i = 0; i < buckets; i++) {
            int sum = 0;
            for (int[] s : p.states.values()) {
                sum += s[i];
            }
            peak = Math.max(peak, sum);
        }
        Svg s = new Svg(
                "states-" + id, "states-chart", id, p.displayName + ": products by state", minutes, peak, "products");
        List<String> legends = new ArrayList<>();
        for (Map.Entry<String, int[]> e : p.states.entrySet()) {
            double[] upper = new double[buckets];
            boolean any = false;
            for (int i = 0; i < buckets; i++) {
                upper[i] = lower[i] + e.getValue()[i];
                any |= e.getValue()[i] > 0;
            }
            if (any) {
                s.band(
                        lower,
                        upper,
                        bucket,
                        "state state-" + e.getKey(),
                        "state",
                        "data-state=\"" + e.getKey() + "\" data-last=\"" + e.getValue()[buckets - 1] + "\"");
                legends.add(legend(
                        "state-" + e.getKey(),
                        e.getKey().equals("licensed-mak")
                                ? "licensed by MAK"
                                : e.getKey().equals("licensed") ? "licensed by KMS" : e.getKey()));
            }
            lower = upper;
        }
        figure(h, s.end(), "Products by state (stacked)", legends);
        h.append("</section>\n");
    }

    private static String legend(String cls, String text) {
        return "<span class=\"key " + cls + "\">" + Html.escape(text) + "</span>";
    }

    private static void figure(StringBuilder h, String svg, String caption, List<String> legend) {
        h.append("<figure>\n")
                .append(svg)
                .append("\n<figcaption>")
                .append(Html.escape(caption))
                .append(" <span class=\"legend\">")
                .append(String.join(" ", legend))
                .append("</span></figcaption>\n")
                .append("</figure>\n");
    }

    private static void moments(StringBuilder h, ReportCollector data) {
        h.append("<section id=\"moments-section\">\n<h2>Notable moments</h2>\n<table id=\"moments\">\n<thead><tr>")
                .append(
                        "<th>when</th><th>time (UTC)</th><th>pool</th><th>what</th><th>detail</th></tr></thead>\n<tbody>\n");
        for (Moment m : data.moments()) {
            h.append("<tr data-what=\"")
                    .append(Html.escape(m.what()))
                    .append("\"><td>day ")
                    .append(day(data.start(), m.time()))
                    .append("</td><td>")
                    .append(m.time())
                    .append("</td><td>")
                    .append(Html.escape(m.pool()))
                    .append("</td><td>")
                    .append(Html.escape(m.what()))
                    .append("</td><td>")
                    .append(Html.escape(m.detail()))
                    .append("</td></tr>\n");
        }
        if (data.moments().isEmpty()) {
            h.append("<tr><td colspan=\"5\">Nothing notable: no threshold crossed, no outage, no expiry.</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        if (data.momentsLeftOut() > 0) {
            h.append("<p class=\"hint\">")
                    .append(data.momentsLeftOut())
                    .append(" more moments are left out; run with " + "--json for every event.</p>\n");
        }
        h.append("</section>\n");
    }

    private static void closing(StringBuilder h, LabSummary summary) {
        h.append("<section id=\"closing\">\n<h2>At the end</h2>\n<table id=\"closing-table\">\n<thead><tr>")
                .append("<th>pool</th><th>family</th><th>products</th><th>licensed</th><th>of which MAK</th>")
                .append("<th>grace</th><th>notification</th><th>gone</th><th>activations</th><th>renewals</th>")
                .append("<th>failed attempts</th></tr></thead>\n<tbody>\n");
        for (LabSummary.Row r : summary.rows()) {
            h.append("<tr><td>")
                    .append(Html.escape(r.pool()))
                    .append("</td><td>")
                    .append(Html.escape(r.family()));
            for (long v : r.figures()) {
                h.append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%,d", v));
            }
            h.append("</td></tr>\n");
            TreeSet<String> causes = new TreeSet<>(r.failuresByCause().keySet());
            if (!causes.isEmpty()) {
                StringBuilder c = new StringBuilder();
                r.failuresByCause()
                        .forEach((k, v) -> c.append(c.length() == 0 ? "" : ", ")
                                .append(k)
                                .append(' ')
                                .append(String.format(Locale.ROOT, "%,d", v)));
                h.append("<tr class=\"causes\"><td></td><td colspan=\"10\">failed attempts by cause: ")
                        .append(Html.escape(c.toString()))
                        .append("</td></tr>\n");
            }
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static double minutesFrom(Instant start, Instant t) {
        return Duration.between(start, t).toMinutes();
    }

    private static String day(Instant start, Instant t) {
        long m = Duration.between(start, t).toMinutes();
        return String.format(Locale.ROOT, "%d %02d:%02d", Math.floorDiv(m, 1440), (m % 1440) / 60, m % 60);
    }

    private static String css() {
        try (InputStream in = SimulationReport.class.getResourceAsStream("report.css")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
