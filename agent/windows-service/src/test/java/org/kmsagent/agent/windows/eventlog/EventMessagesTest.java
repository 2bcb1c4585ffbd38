package org.kmsagent.agent.windows.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The message table compiled into kms-agent-service.exe (src/main/c/kms-agent-messages.mc) and the table of
 * docs/windows-service-notes.md agree with {@link AgentEventId}: same ids, names, texts and insertion strings.
 */
class EventMessagesTest {
    private record McMessage(int id, String severity, String symbol, String text) {}

    private static Map<Integer, McMessage> parseMc(Path file) throws IOException {
        Map<Integer, McMessage> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        Integer id = null;
        String severity = null;
        String symbol = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith("MessageId=")) {
                id = Integer.decode(l.substring("MessageId=".length()));
            } else if (l.startsWith("Severity=")) {
                severity = l.substring("Severity=".length());
            } else if (l.startsWith("SymbolicName=")) {
                symbol = l.substring("SymbolicName=".length());
            } else if (l.startsWith("Language=")) {
                StringBuilder text = new StringBuilder();
                for (i++; !lines.get(i).equals("."); i++) {
                    text.append(lines.get(i));
                }
                out.put(id, new McMessage(id, severity, symbol, text.toString()));
            }
        }
        return out;
    }

    private static Path messages() {
        Path p = Path.of(System.getProperty("kmsagent.test.messages", "src/main/c/kms-agent-messages.mc"));
        assertThat(p).isRegularFile();
        return p;
    }

    /**
     * The notes as the build names them ({@code kmsagent.test.notes}), else the nearest {@code docs/} above the working
     * directory: the module's under Maven, the repository's root in an IDE.
     */
    private static Path notes() {
        String named = System.getProperty("kmsagent.test.notes");
        if (named != null) {
            return Path.of(named);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs").resolve("windows-service-notes.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return Path.of("..", "..", "docs", "windows-service-notes.md").toAbsolutePath();
    }

    private static TreeSet<Integer> inserts(String text) {
        TreeSet<Integer> n = new TreeSet<>();
        Matcher m = Pattern.compile("%(\\d+)").matcher(text);
        while (m.find()) {
            n.add(Integer.parseInt(m.group(1)));
        }
        return n;
    }

    @Test
    void theMessageTableHasEveryEventWithTheSameTextAndInserts() throws IOException {
        Map<Integer, McMessage> mc = parseMc(messages());
        assertThat(mc.keySet())
                .containsExactly(Arrays.stream(AgentEventId.values())
                        .map(AgentEventId::id)
                        .toArray(Integer[]::new));
        for (AgentEventId e : AgentEventId.values()) {
            McMessage m = mc.get(e.id());
            assertThat(m.symbol()).isEqualTo("KMSAGENT_" + e.name());
            // Severity Success and no facility: the event id written is the MessageId itself.
            assertThat(m.severity()).isEqualTo("Success");
            assertThat(m.text()).as("text of %s", e).isEqualTo(e.message());
            TreeSet<Integer> n = inserts(m.text());
            assertThat(n).as("inserts of %s", e).hasSize(e.insertions().size());
            if (!n.isEmpty()) {
                assertThat(n.first()).isEqualTo(1);
                assertThat(n.last()).isEqualTo(e.insertions().size());
            }
        }
    }

    @Test
    void theDocumentedTableListsEveryEventWithItsLevel() throws IOException {
        Path notes = notes();
        assertThat(notes)
                .as("docs/windows-service-notes.md, whose table of event ids this checks, is in the repository")
                .isRegularFile();
        String doc = Files.readString(notes);
        for (AgentEventId e : AgentEventId.values()) {
            assertThat(doc)
                    .as("table row of %s", e)
                    .containsPattern("\\| " + e.id() + " \\| " + e.type().level() + " \\| `" + e.name() + "` \\|");
        }
    }
}
