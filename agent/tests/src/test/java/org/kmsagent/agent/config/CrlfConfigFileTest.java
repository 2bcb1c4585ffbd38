package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .zip archives and the MSI ship conf\agent.yaml and conf\hub.yaml with CRLF line endings (for Notepad), and an
 * administrator's editor on Windows writes CRLF anyway: such a file reads as its LF twin does, and a mistake in it is
 * reported at its own line, not at twice its line or at the line before.
 */
class CrlfConfigFileTest {
    private static final Path CONF = Path.of("..", "..", "distribution", "src", "main", "conf");

    @TempDir
    Path dir;

    private Path crlf(String name, String lfText) throws Exception {
        assertThat(lfText).doesNotContain("\r");
        return Files.writeString(dir.resolve(name), lfText.replace("\n", "\r\n"), StandardCharsets.UTF_8);
    }

    private static List<String> errors(Path file) {
        try {
            new ConfigLoader(Map.of()).load(Optional.of(file), List.of());
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected a configuration error in " + file);
    }

    @Test
    void theShippedFilesWithCrlfLineEndingsReadAsTheirLfTwins() throws Exception {
        Path agent = crlf("agent.yaml", Files.readString(CONF.resolve("agent.yaml")));
        assertThat(new ConfigLoader(Map.of()).load(Optional.of(agent), List.of()))
                .isEqualTo(AgentConfig.defaults());

        Map<String, String> env = Map.of("KMSAGENT_OPS_TOKEN", "example-ops-token-0123456789");
        Path hub = crlf("hub.yaml", Files.readString(CONF.resolve("hub.yaml")));
        assertThat(new ConfigLoader(env).forHub().load(Optional.of(hub), List.of()))
                .isEqualTo(new ConfigLoader(env).forHub().load(Optional.of(CONF.resolve("hub.yaml")), List.of()));
    }

    @Test
    void aValueReadFromACrlfFileHasNoCarriageReturn() throws Exception {
        Path file = crlf("agent.yaml", "renewal:\n  kms: kms.example.com:1688\ndataDir: D:\\kms-agent\\data\n");
        AgentConfig c = new ConfigLoader(Map.of()).load(Optional.of(file), List.of());
        assertThat(c.renewal().kms()).isEqualTo("kms.example.com:1688");
        assertThat(c.dataDir()).isEqualTo("D:\\kms-agent\\data");
        assertThat(c.toString()).doesNotContain("\r");
    }

    @Test
    void aMistakeInACrlfFileIsReportedAtItsLine() throws Exception {
        Path value = crlf("value.yaml", "licensing: auto\n# a comment\nbridge:\n  port: 70000\n");
        assertThat(errors(value))
                .containsExactly(value + ":4: bridge.port: expected a whole number 0-65535, got 70000");

        Path tab = crlf("tab.yaml", "licensing: auto\nbridge:\n\tport: 7688\n");
        assertThat(errors(tab)).containsExactly(tab + ":3: a tab; YAML indents with spaces (line 3, column 1)");

        Path colon = crlf("colon.yaml", "bridge:\n  port: 7001\nrenewal:\n  kms: a: b\n");
        assertThat(errors(colon))
                .containsExactly(colon + ":4: a 'field: value' where none may be: is the line indented deeper than the"
                        + " one above, or does a value hold ': ' (then quote it)? (line 4, column 9)");

        Path control = crlf("control.yaml", "licensing: auto\ndataDir: data\nbridge:\n  host: \"a\u0001b\"\n");
        assertThat(errors(control))
                .containsExactly(control + ":4: the control character U+0001 may not be in a YAML file; remove it"
                        + " (line 4, column 11)");

        Path unknown = crlf("unknown.yaml", "licensing: auto\n\n\nbridge:\n  prot: 7001\n");
        assertThat(errors(unknown)).singleElement().asString().startsWith(unknown + ":5: bridge.prot: unknown key");
    }
}
