package org.kmsagent.agent.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;

/**
 * The cause docs/troubleshooting.md says a code is shown with is the one an agent on Windows shows: on its SLC stack
 * only the result code is known ({@link Diagnosis#fromResult}). Two DNS codes were documented as NO_SRV_RECORD and
 * shown as OTHER, and 0xC004F038, without the counts only the simulated stack gives, was shown as OTHER too.
 */
class TroubleshootingCausesTest {
    /** The sections whose codes come back from an activation as its result. */
    private static final List<String> SECTIONS = List.of(
            "## Counting and thresholds", "## Reaching the host", "## The host's key and license packs", "## Keys");

    private static final Pattern CODE = Pattern.compile("`(0x[0-9A-Fa-f]{8})`");
    private static final Pattern CAUSE = Pattern.compile("^\\s*`([A-Z_]+)`");

    @Test
    void everyCodeOfTheTablesIsShownWithTheCauseTheTableGivesFirst() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "..", "docs", "troubleshooting.md"));
        List<String> checked = new ArrayList<>();
        String section = "";
        for (String line : lines) {
            if (line.startsWith("## ")) {
                section = line;
                continue;
            }
            if (!SECTIONS.contains(section) || !line.startsWith("| `0x")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Matcher cause = CAUSE.matcher(cells[3]);
            assertThat(cause.find()).as(line).isTrue();
            Matcher code = CODE.matcher(cells[1]);
            while (code.find()) {
                int value = Integer.parseUnsignedInt(code.group(1).substring(2), 16);
                Diagnosis shown = Diagnosis.fromResult(ActivationResult.of(HResult.of(value)));
                assertThat(shown.cause().name()).as(code.group(1)).isEqualTo(cause.group(1));
                checked.add(code.group(1));
            }
        }
        assertThat(checked).as("codes checked").hasSizeGreaterThanOrEqualTo(15).contains("0x80092328", "0x8007232A");
    }
}
