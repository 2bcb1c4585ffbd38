package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.TestFamilies;

/** The closing table {@code simulate} prints, and the list of what is not licensed: their columns follow their content. */
class TimelineSummaryTableTest {
    @Test
    void aLongFamilyOrPoolIdKeepsEveryFigureUnderItsHeading() throws Exception {
        Scenario s = scenario();
        StringWriter text = new StringWriter();
        TimelinePrinter printer = new TimelinePrinter(new PrintWriter(text), s);
        // A plugin's family id (and an id of its own count pool) may be longer than the 16 characters the table once
        // kept for them.
        LabSummary summary = new LabSummary(
                List.of(
                        row("windows", "windows-client", 12, 5761),
                        row("office-ltsc-volume-pool", "office-ltsc-2024-enterprise", 3, 7)),
                Map.of(),
                Map.of(),
                100,
                15,
                0);
        printer.finish(summary, s.start().plus(s.length()));

        List<String> lines = text.toString().lines().toList();
        int head = lines.indexOf(
                lines.stream().filter(l -> l.startsWith("pool ")).findFirst().orElseThrow());
        List<MatchResult> heads = words(lines.get(head));
        assertThat(heads).hasSize(11);
        for (String row : lines.subList(head + 1, head + 3)) {
            List<MatchResult> cells = words(row);
            assertThat(cells).as(row).hasSize(11);
            // The two ids start under their headings, the figures end under theirs.
            for (int i = 0; i < 2; i++) {
                assertThat(cells.get(i).start()).as(row).isEqualTo(heads.get(i).start());
            }
            for (int i = 2; i < 11; i++) {
                assertThat(cells.get(i).end()).as(row).isEqualTo(heads.get(i).end());
            }
        }
        assertThat(lines.get(head + 2)).startsWith("office-ltsc-volume-pool  office-ltsc-2024-enterprise ");
        // Grouped, as the cause list below the table prints a figure ("COUNT_BELOW_THRESHOLD 5,761").
        assertThat(lines.get(head + 1)).endsWith(" 5,761");
    }

    @Test
    void aLongFamilyIdKeepsTheNotLicensedCountsInOneColumn() throws Exception {
        Scenario s = scenario();
        StringWriter text = new StringWriter();
        TimelinePrinter printer = new TimelinePrinter(new PrintWriter(text), s);
        // A plugin's family id may be longer than the 16 characters the list once kept for it.
        LabSummary summary = new LabSummary(
                List.of(
                        row(
                                "windows",
                                "windows-client",
                                12,
                                5761,
                                Map.of("0xC004F038 count 13 of 25, needs 12 more", 12)),
                        row("office", "office-ltsc-2024-visio", 3, 7, Map.of("0xC004F042 host key missing", 3))),
                Map.of(),
                Map.of(),
                100,
                15,
                0);
        printer.finish(summary, s.start().plus(s.length()));

        List<String> lines = text.toString().lines().toList();
        int head = lines.indexOf("Not licensed at the end, by last refusal:");
        assertThat(head).as(text.toString()).isNotNegative();
        List<String> list = lines.subList(head + 1, head + 3);
        assertThat(list)
                .containsExactly(
                        "  windows-client          12 x 0xC004F038 count 13 of 25, needs 12 more",
                        "  office-ltsc-2024-visio   3 x 0xC004F042 host key missing");
    }

    private static Scenario scenario() throws ScenarioException {
        return new ScenarioReader(TestFamilies.all()).parse("table.yaml", """
                days: 1
                machines:
                  - name: pc
                    family: windows-client
                    edition: Windows 11 Enterprise
                """, true);
    }

    private static LabSummary.Row row(String pool, String family, int products, long failures) {
        return row(pool, family, products, failures, Map.of());
    }

    private static LabSummary.Row row(
            String pool, String family, int products, long failures, Map<String, Integer> lastProblems) {
        return new LabSummary.Row(pool, family, products, 0, 0, 0, products, 0, 0, 0, failures, Map.of(), lastProblems);
    }

    private static List<MatchResult> words(String line) {
        return Pattern.compile("\\S+").matcher(line).results().toList();
    }
}
