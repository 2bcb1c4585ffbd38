package org.kmsagent.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.simulate.LabSummary;
import org.kmsagent.agent.simulate.Scenario;
import org.kmsagent.agent.simulate.ScenarioReader;
import org.kmsagent.agent.simulate.SimulationLab;
import org.kmsagent.agent.simulate.WhatIfChanges;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.LabFixtures.Run;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.Sku;
import org.kmsagent.api.ThresholdClass;

/** {@code kms-agent simulate … --report FILE}: what a reader of the HTML file sees, checked in its markup. */
class SimulationReportTest {
    @TempDir
    Path dir;

    private String report(String scenario, String... more) throws Exception {
        Path file = dir.resolve(scenario.replace(".yaml", ".html"));
        String[] args = new String[more.length + 3];
        args[0] = LabFixtures.scenario(scenario).toString();
        args[1] = "--report";
        args[2] = file.toString();
        System.arraycopy(more, 0, args, 3, more.length);
        Run run = LabFixtures.simulate(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("report written to " + file);
        return Files.readString(file);
    }

    private static String element(String html, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("the report has %s", regex).isTrue();
        return m.group();
    }

    @Test
    void anOutageShowsAsASpanTheLapsesAsStatesAndTheMomentsInTheTable() throws Exception {
        String html = report("host-outage-over-180-days.yaml");

        String count = element(html, "<svg[^>]*id=\"count-windows\".*?</svg>");
        assertThat(count)
                .contains(
                        "class=\"chart count-chart\"",
                        "data-series=\"threshold\" data-threshold=\"5\"",
                        "data-series=\"outage\"",
                        "day 20 00:00 to day 220 00:00");
        // The count line is drawn (five servers: count 5 on the first day).
        assertThat(Integer.parseInt(
                        element(count, "data-series=\"count\" data-host=\"kms01.corp.example\"[^>]* data-points=\"\\d+")
                                .replaceAll(".*\"", "")))
                .isGreaterThan(200);
        String activity = element(html, "<svg[^>]*id=\"activity-windows\".*?</svg>");
        // 5 activations on day 0, 5 more when the host is back on day 220.
        assertThat(activity).contains("data-series=\"activations\" data-total=\"10\"", "data-series=\"renewals\"");
        String states = element(html, "<svg[^>]*id=\"states-windows\".*?</svg>");
        // Lapsed at day ~200, back at day 220: out-of-tolerance grace (30 days) never ran out into notification.
        assertThat(states)
                .contains("data-state=\"licensed\"", "data-state=\"out-of-tolerance\"")
                .doesNotContain("data-state=\"notification\"");
        // At the end they are all licensed again.
        assertThat(states).contains("data-state=\"licensed\" data-last=\"5\"");

        String moments = element(html, "<table id=\"moments\">.*?</table>");
        assertThat(moments)
                .contains("host outage begins", "host outage ends", "first expiry", "threshold reached")
                .doesNotContain("first notification");
        assertThat(moments.indexOf("host outage begins")).isLessThan(moments.indexOf("first expiry"));
    }

    @Test
    void theCountDropsWhenEntriesAgeOutWhileTheHostIsDown() throws Exception {
        Scenario s =
                new ScenarioReader(TestFamilies.all()).read(LabFixtures.scenario("host-outage-over-180-days.yaml"));
        ReportCollector c = new ReportCollector(s);
        new SimulationLab(s, LabFixtures.TEST_HOST, c).run((d, t, e) -> {});
        c.finish(s.start().plus(s.length()));

        // Daily buckets: the five servers count 5 until their entries age out on day 44 (30 days after their last
        // renewal before the outage); nobody is counted again until the host is back on day 220.
        int[] count = c.pools().get("windows").countByHost.get("kms01.corp.example");
        assertThat(count[43]).isEqualTo(5);
        assertThat(count[44]).isZero();
        assertThat(count[219]).isZero();
        assertThat(count[221]).isEqualTo(5);
    }

    /**
     * A fleet as it is (a snapshot's {@code present}): the host's table holds six clients, and the one machine with an
     * agent next asks on day 4 12:00 (7 days after its last renewal): nobody hears the count before then.
     */
    private Path presentOfSixCounted() throws Exception {
        return presentOfSixCountedAnd("");
    }

    /** {@link #presentOfSixCounted()} whose host's table also holds these clients (lines of {@link #tableEntry}). */
    private Path presentOfSixCountedAnd(String moreClients) throws Exception {
        StringBuilder clients = new StringBuilder(tableEntry(1, "windows-server", "2026-11-28T00:00:00Z", "srv-1", 5));
        for (int i = 1; i <= 5; i++) {
            clients.append(tableEntry(0x100 + i, "windows-client", "2026-11-2" + i + "T09:00:00Z", "pc-" + i, 25));
        }
        clients.append(moreClients);
        Path file = dir.resolve("present.yaml");
        Files.writeString(file, """
                name: six counted at the start
                start: 2026-11-30T12:00:00Z
                days: 10
                machines:
                  - name: srv-1
                    family: windows-server
                    edition: Windows Server 2022 Standard
                present:
                  machines:
                    - name: srv-1
                      cmid: 00000000-0000-4000-8000-000000000001
                      products:
                        - edition: Windows Server 2022 Standard
                          status: LICENSED
                          lastSuccess: 2026-11-28T00:00:00Z
                          validUntil: 2027-05-27T00:00:00Z
                          host: kms01.corp.example
                  ledgers:
                    - host: kms01.corp.example
                      clients:
                """ + clients);
        return file;
    }

    /** One client of a present's host table, as a line of {@code present.ledgers[].clients}. */
    private static String tableEntry(int cmid, String family, String lastRequest, String name, int required) {
        return String.format(
                Locale.ROOT,
                "        - {cmid: 00000000-0000-4000-8000-%012x, family: %s, lastRequest: %s, name: %s, requiredCount: %d}\n",
                cmid,
                family,
                lastRequest,
                name,
                required);
    }

    @Test
    void aPresentsCountIsWhereTheCountLineStarts() throws Exception {
        Path scenario = presentOfSixCounted();
        Path file = dir.resolve("present.html");
        Run run = LabFixtures.simulate(scenario.toString(), "--report", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        // Drawn from the start (x = the plot's left edge), at the count the host's table holds then: hourly buckets,
        // every one of the ten days' 240 known.
        String count = element(Files.readString(file), "<svg[^>]*id=\"count-windows\".*?</svg>");
        assertThat(element(count, "data-host=\"kms01.corp.example\"[^>]* data-points=\"\\d+\" d=\"M[\\d.]+ "))
                .contains("data-points=\"240\"", "d=\"M" + Svg.LEFT + ".0 ");
        Scenario s = new ScenarioReader(TestFamilies.all()).read(scenario);
        ReportCollector c = new ReportCollector(s);
        new SimulationLab(s, LabFixtures.TEST_HOST, c).run((d, t, e) -> {});
        c.finish(s.start().plus(s.length()));
        int[] kms01 = c.pools().get("windows").countByHost.get("kms01.corp.example");
        assertThat(kms01[0]).isEqualTo(6);
        assertThat(kms01[24 * 4]).as("day 4, before srv-1 asks (day 4 12:00)").isEqualTo(6);
    }

    @Test
    void aThresholdOnlyThePresentsClientsAskForIsDrawnBesideTheFleets() throws Exception {
        // The fleet is one server (5); the host's table also holds five PCs without an agent (25).
        Path file = dir.resolve("present.html");
        Run run = LabFixtures.simulate(presentOfSixCounted().toString(), "--report", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        String count = element(Files.readString(file), "<svg[^>]*id=\"count-windows\".*?</svg>");
        assertThat(count)
                .contains("data-threshold=\"5\" data-threshold-class=\"server\"", ">server threshold 5</text>")
                .contains("data-threshold=\"25\" data-threshold-class=\"\"", ">threshold 25</text>");
    }

    @Test
    void aPoolOnlyThePresentsTableNamesHasItsSectionWithItsCountAndThreshold() throws Exception {
        // The fleet has no Office; the host's table also counts seven Office PCs without an agent, which age out one a
        // day from day 0 22:00 (30 days after their last requests): the host's Office count starts at 7 and decays.
        StringBuilder office = new StringBuilder();
        for (int i = 1; i <= 7; i++) {
            office.append(tableEntry(0x200 + i, "office2016", "2026-11-0" + i + "T10:00:00Z", "office-pc-" + i, 5));
        }
        Path scenario = presentOfSixCountedAnd(office.toString());
        Path file = dir.resolve("present.html");
        Run run = LabFixtures.simulate(scenario.toString(), "--report", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        // What the JSON says of that pool at the start: the host's count of it.
        Run json = LabFixtures.simulate(scenario.toString(), "--json");
        assertThat(json.lines())
                .anyMatch(l -> l.contains("\"event\":\"host-status\"")
                        && l.contains("\"pool\":\"office\"")
                        && l.contains("\"count\":7")
                        && l.contains("\"time\":\"2026-11-30T12:00:00Z\""));

        // The pool has its section, as a pool the fleet asks in: a count line drawn from the start, every one of the
        // ten days' 240 hours known, and the threshold its clients asked for (by its count alone).
        String html = Files.readString(file);
        String section = element(html, "<section class=\"pool\" id=\"pool-office\" data-pool=\"office\">.*?</section>");
        assertThat(section).contains("<h2>Office 2013 and later pool</h2>", "No machine of the fleet has a product");
        String count = element(section, "<svg[^>]*id=\"count-office\".*?</svg>");
        assertThat(element(count, "data-host=\"kms01.corp.example\"[^>]* data-points=\"\\d+\" d=\"M[\\d.]+ "))
                .contains("data-points=\"240\"", "d=\"M" + Svg.LEFT + ".0 ");
        assertThat(count).contains("data-threshold=\"5\" data-threshold-class=\"\"", ">threshold 5</text>");
        assertThat(html).contains("<a href=\"#pool-office\">Office 2013 and later</a>");
        // Nothing of the pool is the lab's to activate or renew: no chart of flat zeros beside the count.
        assertThat(section).contains("the count is its only chart").doesNotContain("activity-chart", "states-chart");
        assertThat(html).contains("id=\"activity-windows\"", "id=\"states-windows\"");

        Scenario s = new ScenarioReader(TestFamilies.all()).read(scenario);
        ReportCollector c = new ReportCollector(s);
        new SimulationLab(s, LabFixtures.TEST_HOST, c).run((d, t, e) -> {});
        c.finish(s.start().plus(s.length()));
        int[] office01 = c.pools().get("office").countByHost.get("kms01.corp.example");
        assertThat(office01[0]).isEqualTo(7);
        assertThat(office01[office01.length - 1])
                .as("all seven aged out by day 10")
                .isZero();
    }

    @Test
    void theReportDrawsExactlyTheThresholdsWhoseCrossingsTheLabTells() throws Exception {
        // A site's own Windows client catalog in which one edition activates from 10 (a threshold class beyond the
        // well-known three); the fleet is twelve PCs of another edition, which need 25. No client of the fleet asks for
        // 10: its count passing 10 is no threshold of this pool, neither in the events (the JSON) nor in the chart.
        LoadedFamily bundled = TestFamilies.byId("windows-client");
        ThresholdClass kiosk = new ThresholdClass("kiosk", 10);
        LoadedFamily ownCatalog = TestFamilies.inCode(
                bundled.id(),
                bundled.catalog().displayName(),
                bundled.applicationId(),
                bundled.catalog().skus().stream()
                        .map(k -> k.name().equals("Windows 11 Enterprise N")
                                ? new Sku(k.name(), k.product(), k.edition(), k.skuId(), k.gvlk(), k.group(), kiosk)
                                : k)
                        .toList());
        List<LoadedFamily> families = new ArrayList<>(TestFamilies.all());
        families.replaceAll(f -> f.id().equals(bundled.id()) ? ownCatalog : f);
        Path file = Files.writeString(dir.resolve("own-catalog.yaml"), """
                name: twelve PCs of an edition needing 25
                days: 1
                host:
                  name: kms01.corp.example
                machines:
                  - name: pc
                    count: 12
                    family: windows-client
                    edition: Windows 11 Enterprise
                """);
        Scenario s = new ScenarioReader(families).read(file);
        ReportCollector c = new ReportCollector(s);
        Set<Integer> told = new TreeSet<>();
        LabSummary summary = new SimulationLab(s, LabFixtures.TEST_HOST, e -> {
                    c.accept(e);
                    if (e.event().equals("threshold-reached") || e.event().equals("below-threshold")) {
                        told.add(e.required().getAsInt());
                    }
                })
                .run((d, t, e) -> {});
        c.finish(s.start().plus(s.length()));
        assertThat(summary.lastCount()).containsEntry("windows", 12);

        String count = element(SimulationReport.render(s, c, summary), "<svg[^>]*id=\"count-windows\".*?</svg>");
        Set<Integer> drawn = Pattern.compile("data-threshold=\"(\\d+)\"")
                .matcher(count)
                .results()
                .map(r -> Integer.parseInt(r.group(1)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(drawn).containsExactly(25);
        assertThat(told).isSubsetOf(drawn).doesNotContain(10);
    }

    @Test
    void aWhatIfsCountLineFollowsThePresentsPoolThroughAnOutageWithoutReadingsOfItsOwn() throws Exception {
        // The shipped what-if: KMS01 counts 28 at the start and is down 40 days; its entries age out one a day.
        Path snapshot = LabFixtures.scenario("what-if/fleet-snapshot.json");
        Path changes = LabFixtures.scenario("what-if/changes.yaml");
        Scenario s = WhatIfChanges.read(changes)
                .applyTo(new ScenarioReader(TestFamilies.all()).read(snapshot), TestFamilies.all());
        ReportCollector c = new ReportCollector(s);
        LabSummary run = new SimulationLab(s, LabFixtures.TEST_HOST, c).run((d, t, e) -> {});
        c.finish(s.start().plus(s.length()));

        // Daily buckets, each the count at its end, although no client hears a count during the outage: from the
        // present's 28, one entry a day ages out from day 8 23:59 (below 25 at day 11 23:59, as the what-if's findings
        // say, docs/simulate.md), six at day 26 00:00 (below 5) and one more at 23:59.
        int[] kms01 = c.pools().get("windows").countByHost.get("kms01.contoso.com");
        assertThat(kms01[0]).isEqualTo(28);
        assertThat(kms01[10]).isEqualTo(25);
        assertThat(kms01[11]).isEqualTo(24);
        assertThat(kms01[25]).isEqualTo(10);
        assertThat(kms01[26]).isEqualTo(3);

        // With --report the what-if runs as it does without: the report's count line needs no hourly readings, and
        // its facts count the run's own events.
        Path file = dir.resolve("what-if.html");
        Run withReport = LabFixtures.simulate(
                "--snapshot", snapshot.toString(), "--changes", changes.toString(), "--report", file.toString());
        assertThat(withReport.exitCode()).as(withReport.err()).isZero();
        assertThat(Files.readString(file))
                .contains(String.format(Locale.ROOT, "<dt>events</dt><dd>%,d</dd>", run.events()));
    }

    @Test
    void withTwoHostsTheCountChartHasOneNamedLinePerHostEachWithItsOwnCount() throws Exception {
        String html = report("failover-two-hosts.yaml");

        String count = element(html, "<svg[^>]*id=\"count-windows\".*?</svg>");
        List<String> hosts = Pattern.compile("data-series=\"count\" data-host=\"([^\"]+)\"")
                .matcher(count)
                .results()
                .map(r -> r.group(1))
                .toList();
        assertThat(hosts).containsExactly("kms01.corp.example", "kms02.corp.example");
        String figure = element(html, "<figure>\\s*<svg[^>]*id=\"count-windows\".*?</figure>");
        assertThat(figure)
                .contains(
                        "Count reported by each KMS host",
                        "count kms01.corp.example</span>",
                        "count kms02.corp.example (drawn 3 px higher)</span>")
                .contains("host outage (kms01.corp.example): day 10 00:00 to day 30 00:00");
        assertThat(legendStyles(figure)).hasSize(2).isEqualTo(lineStyles(count));

        Scenario s = new ScenarioReader(TestFamilies.all()).read(LabFixtures.scenario("failover-two-hosts.yaml"));
        ReportCollector c = new ReportCollector(s);
        new SimulationLab(s, LabFixtures.TEST_HOST, c).run((d, t, e) -> {});
        c.finish(s.start().plus(s.length()));
        // Daily buckets. kms01 keeps the 36 it counted while it is down (days 10 to 30: nobody reaches it, and its
        // entries are younger than 30 days); kms02, asked only then, builds its own count from nothing.
        int[] kms01 = c.pools().get("windows").countByHost.get("kms01.corp.example");
        int[] kms02 = c.pools().get("windows").countByHost.get("kms02.corp.example");
        assertThat(kms01[0]).isEqualTo(36);
        assertThat(kms01[20]).isEqualTo(36);
        assertThat(kms02[5]).as("kms02 reported nothing before the outage").isEqualTo(-1);
        assertThat(kms02[20]).isEqualTo(36);
        // kms01's entries age out on day 37, 30 days after their last renewals there.
        assertThat(kms01[37]).isZero();
        assertThat(kms02[37]).isEqualTo(36);
    }

    @Test
    void everyHostOfManyHasALineStyleOfItsOwnThatTheLegendShowsAndNames() throws Exception {
        // Seven hosts, each asked by a server pinned to it: seven lines in one chart.
        Path scenario = LabFixtures.hostsEachAskedByOneServer(dir, 7);
        Path file = dir.resolve("seven-hosts.html");
        Run run = LabFixtures.simulate(scenario.toString(), "--report", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        String html = Files.readString(file);
        Map<String, String> lines = lineStyles(element(html, "<svg[^>]*id=\"count-windows\".*?</svg>"));
        assertThat(lines.keySet())
                .containsExactly(IntStream.rangeClosed(1, 7)
                        .mapToObj(i -> "kms" + i + ".corp.example")
                        .toArray(String[]::new));
        assertThat(Set.copyOf(lines.values())).hasSize(7);
        // Apart in grey print too: no two hosts share a dash pattern (the first is solid).
        assertThat(lines.values().stream()
                        .map(style -> style.replaceAll("^stroke:#[0-9a-f]+;?", ""))
                        .distinct())
                .hasSize(7);
        // The legend draws each host's key in its line's style, and names the host.
        String figure = element(html, "<figure>\\s*<svg[^>]*id=\"count-windows\".*?</figure>");
        assertThat(legendStyles(figure)).isEqualTo(lines);
        lines.keySet().forEach(host -> assertThat(figure).contains("count " + host));
    }

    @Test
    void hostsCountingTheSameStayApartEachLineLiftedAndTheLegendSaysByHowMuch() throws Exception {
        // Seven hosts each counting one server all day: seven lines at the same count.
        Path file = dir.resolve("seven-hosts.html");
        Run run = LabFixtures.simulate(
                LabFixtures.hostsEachAskedByOneServer(dir, 7).toString(), "--report", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(file);
        String count = element(html, "<svg[^>]*id=\"count-windows\".*?</svg>");
        String figure = element(html, "<figure>\\s*<svg[^>]*id=\"count-windows\".*?</figure>");

        // The same path for each (the values stay exact), each drawn 3 px higher than the one before, which the
        // legend says; the first at its values.
        List<String> paths = Pattern.compile("<path class=\"count\"[^>]*>")
                .matcher(count)
                .results()
                .map(r -> r.group())
                .toList();
        assertThat(paths).hasSize(7);
        assertThat(paths.stream().map(p -> p.replaceAll(".* d=\"", "")).distinct())
                .hasSize(1);
        for (int i = 0; i < paths.size(); i++) {
            String host = "kms" + (i + 1) + ".corp.example";
            if (i == 0) {
                assertThat(paths.get(i)).doesNotContain("transform");
                assertThat(figure).contains("count " + host + "</span>");
            } else {
                assertThat(paths.get(i)).contains("transform=\"translate(0 -" + 3 * i + ")\"");
                assertThat(figure).contains("count " + host + " (drawn " + 3 * i + " px higher)</span>");
            }
        }
        // One host: its line at its values, the legend as it always was.
        assertThat(report("worked-example.yaml")).doesNotContain("transform=\"translate", "px higher");
    }

    /** Per host, in drawing order, the inline style of its count line. */
    private static Map<String, String> lineStyles(String countChart) {
        Map<String, String> styles = new LinkedHashMap<>();
        Pattern.compile("data-series=\"count\" data-host=\"([^\"]+)\" style=\"([^\"]+)\"")
                .matcher(countChart)
                .results()
                .forEach(r -> styles.put(r.group(1), r.group(2)));
        return styles;
    }

    /** Per host, in the legend's order, the style of the line its key draws. */
    private static Map<String, String> legendStyles(String figure) {
        Map<String, String> styles = new LinkedHashMap<>();
        Pattern.compile(
                        "<span class=\"key line\" data-host=\"([^\"]+)\"><svg class=\"swatch\"[^>]*><line [^>]*style=\"([^\"]+)\"")
                .matcher(figure)
                .results()
                .forEach(r -> styles.put(r.group(1), r.group(2)));
        return styles;
    }

    @Test
    void aPoolThatNeverReachesItsThresholdShowsTheLineAboveTheCountAndNoCrossing() throws Exception {
        String html = report("small-site-under-threshold.yaml");

        String count = element(html, "<svg[^>]*id=\"count-windows\".*?</svg>");
        assertThat(count).contains("data-threshold=\"25\"").doesNotContain("data-series=\"outage\"");
        assertThat(element(html, "<table id=\"moments\">.*?</table>"))
                .doesNotContain("threshold reached")
                .contains("first notification");
    }

    @Test
    void theFileIsSelfContainedPrintableAndTheSameForTheSameSeed() throws Exception {
        String a = report("worked-example.yaml");
        Files.move(dir.resolve("worked-example.html"), dir.resolve("first.html"));
        String b = report("worked-example.yaml");

        assertThat(b).isEqualTo(a);
        // Nothing to fetch: no script, no external stylesheet, image or font; the only URL is SVG's namespace.
        assertThat(a).doesNotContain("<script", "<link", "<img", "@import", "url(");
        assertThat(Pattern.compile("https?://[^\"\\s<]+")
                        .matcher(a)
                        .results()
                        .map(r -> r.group())
                        .distinct()
                        .toList())
                .isEqualTo(List.of("http://www.w3.org/2000/svg"));
        assertThat(a).contains("@media print", "break-before: page");

        String other = report("worked-example.yaml", "--seed", "99");
        assertThat(other).contains("<dd>99</dd>");
    }

    @Test
    void chartsNameTheirAxesKeepTheLastDayInsideAndDrawTheCountOverItsThreshold() throws Exception {
        String count = element(report("worked-example.yaml"), "<svg[^>]*id=\"count-windows\".*?</svg>");
        assertThat(count).contains("class=\"axis-title\"", "days from the start", "machines counted");
        // The last day's label ends at the plot's right edge instead of being cut in half by it.
        List<String> ticks = Pattern.compile("<text class=\"tick\"[^>]*>day [^<]*</text>")
                .matcher(count)
                .results()
                .map(r -> r.group())
                .toList();
        assertThat(ticks.get(ticks.size() - 1)).contains("text-anchor=\"end\"");
        // A count equal to its threshold shows: the count is drawn after (over) the dashed threshold line.
        assertThat(count.indexOf("data-series=\"count\"")).isGreaterThan(count.indexOf("data-series=\"threshold\""));
    }

    @Test
    void aPoolThatRefusedEverythingSaysSoInsteadOfAnEmptyChart() throws Exception {
        String html = report("office2013-missing-license-pack.yaml");
        String refused = element(html, "<p class=\"note refused\"[^>]*>.*?</p>");
        assertThat(refused).contains("no activation", "refused", "0xC004F042");
    }

    @Test
    void makLicensedProductsAreDrawnApartFromKmsLicensedOnes() throws Exception {
        String html = report("small-site-mak-fallback.yaml");
        String states = element(html, "<svg[^>]*id=\"states-office[^\"]*\".*?</svg>");
        assertThat(states).contains("data-state=\"licensed-mak\"");
        assertThat(html).contains("class=\"key state-licensed-mak\"");
    }

    @Test
    void theReportIsReadableByOthersLikeAnyDocument() throws Exception {
        report("worked-example.yaml");
        Path file = dir.resolve("worked-example.html");
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-r--r--");
        }
    }

    @Test
    void aReportIntoAMissingDirectoryIsAUsageErrorBeforeAnythingRuns() {
        Run run = LabFixtures.simulate(
                LabFixtures.scenario("worked-example.yaml").toString(),
                "--report",
                dir.resolve("nosuch/report.html").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--report", "does not exist");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aReportNamingADirectoryIsAUsageErrorBeforeAnythingRuns() {
        Run run = LabFixtures.simulate(
                LabFixtures.scenario("worked-example.yaml").toString(), "--report", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo(
                        "kms-agent simulate: --report " + dir + ": is a directory; give the report's file name, e.g. "
                                + dir.resolve("report.html") + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anEmptyReportNameIsAUsageErrorThatAsksForAFileName() {
        // --report "$OUT" with OUT unset: the working folder is not what was meant, nor what to talk about.
        Run run =
                LabFixtures.simulate(LabFixtures.scenario("worked-example.yaml").toString(), "--report", "");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("kms-agent simulate: --report: needs a file name, e.g. --report report.html"
                        + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aReportAtALinkWritesTheLinksTargetAndKeepsTheLink() throws Exception {
        Path target = dir.resolve("target.html");
        Files.writeString(target, "<!DOCTYPE html>\n<html lang=\"en\">an earlier report</html>\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.html"), target.getFileName());

        Run run = LabFixtures.simulate(
                LabFixtures.scenario("worked-example.yaml").toString(), "--days", "1", "--report", link.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).startsWith("<!DOCTYPE html>").doesNotContain("an earlier report");
    }

    @Test
    void aReportNamingTheScenarioItselfIsRefusedAndTheScenarioKept() throws Exception {
        Path scenario = Files.copy(LabFixtures.scenario("worked-example.yaml"), dir.resolve("we.yaml"));
        String before = Files.readString(scenario);

        Run run = LabFixtures.simulate(scenario.toString(), "--days", "1", "--report", scenario.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("kms-agent simulate: --report " + scenario + ": the file exists and is neither empty nor an"
                        + " HTML page (it does not start with <!DOCTYPE html>), so it is no earlier report: give a new"
                        + " file name, or remove the file first" + System.lineSeparator());
        assertThat(run.out()).isEmpty();
        assertThat(Files.readString(scenario)).isEqualTo(before);

        Path empty = Files.createFile(dir.resolve("empty.html"));
        Run intoEmpty = LabFixtures.simulate(scenario.toString(), "--days", "1", "--report", empty.toString());
        assertThat(intoEmpty.exitCode()).as(intoEmpty.err()).isZero();
        assertThat(Files.readString(empty)).startsWith("<!DOCTYPE html>");
    }

    @Test
    void aReportAtAFifoIsAUsageErrorAndTheFifoIsKept() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo");

        Run run = LabFixtures.simulate(
                LabFixtures.scenario("worked-example.yaml").toString(), "--days", "1", "--report", fifo.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("kms-agent simulate: --report " + fifo
                        + ": not a regular file; give the path of a file to write" + System.lineSeparator());
        assertThat(run.out()).isEmpty();
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(Files.exists(fifo)).isTrue();
    }

    @Test
    void aReportFolderThatCannotBeWrittenIsAUsageErrorBeforeAnythingRuns() throws Exception {
        Path folder = unwritableFolder();
        Path file = folder.resolve("report.html");

        Run run = LabFixtures.simulate(
                LabFixtures.scenario("worked-example.yaml").toString(), "--report", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("kms-agent simulate: --report " + file + ": cannot write in " + folder
                        + ": Permission denied" + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anEarlierReportMadeReadOnlyIsAUsageErrorAndKept() throws Exception {
        Path file = dir.resolve("kept.html");
        String earlier = "<!DOCTYPE html>\n<title>last quarter</title>\n";
        Files.writeString(file, earlier);
        Assumptions.assumeTrue(
                file.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

        Run run = LabFixtures.simulate(
                LabFixtures.scenario("worked-example.yaml").toString(), "--days", "1", "--report", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("kms-agent simulate: --report " + file + ": the file is read-only (r--r--r--), so it is"
                        + " not replaced: give another file name, or make it writable first" + System.lineSeparator());
        assertThat(run.out()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo(earlier);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("r--r--r--");
    }

    /**
     * A folder this account may not write in: one of mode 555, or for root (who may write there anyway) /sys, whose
     * files the kernel makes; the test is skipped when neither refuses.
     */
    private Path unwritableFolder() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        for (Path folder : List.of(readOnly, Path.of("/sys"))) {
            try {
                Files.delete(Files.createTempFile(folder, "probe", ""));
            } catch (AccessDeniedException refused) {
                return folder;
            } catch (IOException other) {
                // not this one
            }
        }
        Assumptions.abort("no folder refuses this account's writes");
        return null;
    }
}
