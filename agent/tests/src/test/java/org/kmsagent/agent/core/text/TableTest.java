package org.kmsagent.agent.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The one plain-text table: column widths, alignment, missing values. */
class TableTest {
    @Test
    void columnsAreLeftAlignedAsWideAsTheirWidestCellAndAMissingValueIsADash() {
        Table t = new Table("NAME", "NOTE").row("a", null).row("longer", "x");
        assertThat(print(t)).containsExactly("NAME    NOTE", "a       -", "longer  x");
    }

    @Test
    void rightAlignedColumnsLineUpByTheirLastCharacterHeaderIncluded() {
        Table t = new Table("NAME", "COUNT", "NOTE")
                .rightAligned(1)
                .row("a", 5, null)
                .row("bbbb", 1234, "x");
        assertThat(print(t)).containsExactly("NAME  COUNT  NOTE", "a         5  -", "bbbb   1234  x");
    }

    @Test
    void aRightAlignedLastColumnIsPaddedOnItsLeftOnly() {
        Table t = new Table("K", "V").rightAligned(1).row("long", 7).row("s", "");
        assertThat(print(t)).containsExactly("K     V", "long  7", "s");
    }

    private static String[] print(Table t) {
        StringWriter s = new StringWriter();
        t.print(new PrintWriter(s));
        return s.toString().lines().toArray(String[]::new);
    }
}
