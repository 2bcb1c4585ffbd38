package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key that names a file or a folder holding a control character is refused, naming the key, where it was written
 * and why: a Windows path in YAML double quotes ({@code "C:\Program Files\agent.log"}) is read with escapes, and the
 * agent made a file whose name held U+2029 and BEL.
 */
class PathKeysTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        return Files.writeString(dir.resolve("agent.yaml"), text);
    }

    private static List<String> errors(Path file, String... sets) {
        try {
            new ConfigLoader(Map.of()).load(Optional.of(file), List.of(sets));
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected a configuration error");
    }

    @Test
    void aWindowsPathInDoubleQuotesIsRefusedWithHowToWriteIt() throws Exception {
        Path file = yaml("logging: {file: \"C:\\Program Files\\agent.log\"}\n");
        assertThat(errors(file))
                .containsExactly(file + ":1: logging.file: C:\\u2029rogram Files\\u0007gent.log holds control"
                        + " characters; write Windows paths in single quotes or without quotes: in double quotes \\P"
                        + " and \\a are escapes");
        // In single quotes, or without, the backslashes are the path's.
        assertThat(new ConfigLoader(Map.of())
                        .load(Optional.of(yaml("logging: {file: 'C:\\Program Files\\agent.log'}\n")), List.of())
                        .logging()
                        .file())
                .isEqualTo("C:\\Program Files\\agent.log");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pluginsDir",
                "dataDir",
                "bridge.tls.certFile",
                "bridge.tls.keyFile",
                "bridge.tls.clientCaFile",
                "fleet.caFile",
                "logging.file",
                "plugins.trustStore"
            })
    void everyKeyThatNamesAFileOrAFolderIsChecked(String key) throws Exception {
        Path file = yaml("# a Windows path in double quotes\n");
        assertThat(errors(file, key + "=\"C:\\temp\\new\""))
                .contains("--set " + key + ": C:\\temp\\new holds control characters; write Windows paths in single"
                        + " quotes or without quotes: in double quotes \\t and \\n are escapes");
        // A NUL, which no path holds, is refused the same way; it stopped the check with an exception.
        assertThat(errors(file, key + "=\"data\\0\""))
                .anyMatch(l -> l.startsWith("--set " + key + ": data\\u0000 holds a control character;"));
    }

    @Test
    void anUnknownEscapeInDoubleQuotesSaysHowToWriteAWindowsPath() throws Exception {
        Path file = yaml("logging: {file: \"C:\\ProgramData\\kms-agent\\x.log\"}\n");
        // It said only "found unknown escape character k(107)".
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.of(file), List.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.errors())
                                .singleElement()
                                .asString()
                                .startsWith(
                                        file + ":1: \\k is no escape in double quotes; write Windows paths in single"
                                                + " quotes or without quotes: in double quotes a backslash starts an escape"));
    }
}
