package org.kmsagent.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The last line of {@code doctor}'s text says what the findings above it say. */
class DoctorFormatTest {
    private static String lastLine(Finding... findings) {
        String text = DoctorFormat.text(new DoctorReport("simulated", "chosen", List.of(findings)));
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void theLastLineCountsWarningsInsteadOfSayingNoProblem() {
        Finding ok = Finding.info("agent", "clock", "in sync");
        Finding warn = Finding.warn("agent", "families", "no product family loaded: no product was checked", null);
        Finding fail = Finding.fail("pc", "kms-srv", "no SRV record", null);

        assertThat(lastLine(ok)).isEqualTo("No problem found.");
        // With no family loaded nothing was checked: "No problem found." under that WARN read as a clean bill.
        assertThat(lastLine(ok, warn)).isEqualTo("No failure; 1 warning(s) above.");
        assertThat(lastLine(warn, fail)).isEqualTo("Problems found.");
    }
}
