package org.kmsagent.distribution.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reading of docs/building.md §14 that DocsRunIT relies on: console blocks, markers, and `…` wildcards. */
class DocsConventionIT {
    @TempDir
    Path dir;

    private DocBlocks read(String markdown) throws IOException {
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, markdown);
        return DocBlocks.read(doc);
    }

    private static List<DocBlocks.Line> lines(String... text) {
        List<DocBlocks.Line> lines = new ArrayList<>();
        for (int i = 0; i < text.length; i++) {
            lines.add(new DocBlocks.Line(10 + i, text[i]));
        }
        return lines;
    }

    @Test
    void aConsoleBlockIsCommandsEachWithTheLinesBelowItAsItsOutput() throws IOException {
        DocBlocks doc = read(
                "Intro\n\n<!-- docs-run: machine -->\n```console\n$ kms-agent gvlk \"X\"\nKEY\n$ echo $?\n0\n```\n"
                        + "\n1. a step\n\n   <!-- docs-run: skip (Windows only) -->\n   ```console\n   > bin\\kms-agent status\n   ```\n");
        assertThat(doc.blocks()).hasSize(2);
        DocBlocks.Block first = doc.blocks().get(0);
        assertThat(first.marker()).isEqualTo("machine");
        assertThat(first.console()).isTrue();
        assertThat(first.commands())
                .extracting(DocBlocks.Command::line, DocBlocks.Command::text)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(5, "kms-agent gvlk \"X\""),
                        org.assertj.core.groups.Tuple.tuple(7, "echo $?"));
        assertThat(first.commands().get(0).output())
                .extracting(DocBlocks.Line::text)
                .containsExactly("KEY");
        DocBlocks.Block indented = doc.blocks().get(1);
        assertThat(indented.marker()).isEqualTo("skip (Windows only)");
        assertThat(indented.commands()).extracting(DocBlocks.Command::text).containsExactly("bin\\kms-agent status");
    }

    @Test
    void aMarkerCountsOnlyRightBeforeItsBlock() throws IOException {
        DocBlocks doc = read("<!-- docs-run: skip (old) -->\n\nSome text.\n\n```console\n$ kms-agent products\n```\n");
        assertThat(doc.blocks().get(0).marker()).isNull();
    }

    @Test
    void anEllipsisLineStandsForAnyLinesAndWithinALineForAnyText() {
        OutputPattern p =
                new OutputPattern(lines("Scenario: …", "…", "Summary after day  40 00:00 (13 machines, …)", "…"));
        assertThat(p.mismatch(List.of(
                        "Scenario: Worked example",
                        "a",
                        "b",
                        "Summary after day  40 00:00 (13 machines, 5,781 scheduler events)")))
                .isNull();
        assertThat(p.mismatch(List.of("Scenario: x", "Summary after day  40 00:00 (13 machines, 1 event)", "more")))
                .isNull();
        assertThat(new OutputPattern(lines("…")).mismatch(List.of())).isNull();
    }

    @Test
    void aDifferenceNamesTheDocLineWhatItExpectsAndWhatWasPrinted() {
        OutputPattern p = new OutputPattern(lines("FAMILY  NAME", "office2010  Office 2010"));
        assertThat(p.mismatch(List.of("FAMILY  NAME", "office2013  Office 2013")))
                .isEqualTo("line 11 expects `office2010  Office 2010`, but it printed `office2013  Office 2013`");
        assertThat(p.mismatch(List.of("FAMILY  NAME")))
                .isEqualTo("line 11 expects `office2010  Office 2010`, but it printed no more lines");
        assertThat(p.mismatch(List.of("FAMILY  NAME", "office2010  Office 2010", "extra")))
                .isEqualTo("it printed more than the docs show, from: `extra`");
        assertThat(new OutputPattern(lines()).mismatch(List.of("anything")))
                .as("a command shown without output must print nothing")
                .isNotNull();
    }

    @Test
    void aLongOutputMatchesWithoutDeepRecursion() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            many.add("{\"event\":" + i + "}");
        }
        many.add("end");
        assertThat(new OutputPattern(lines("{\"event\":0}", "…", "end")).mismatch(many))
                .isNull();
    }
}
