package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Every setting that quotes a wrong value back quotes it as docs/configuration.md promises: cut at 60 characters with
 * the full length, and its control characters escaped, so a pasted blob or a terminal escape never reaches the
 * terminal whole.
 */
class QuotedValuesTest {
    /** An escape sequence that would turn the terminal red, then far more text than a message should repeat. */
    private static final String VALUE = "\u001b[31m" + "y".repeat(200);

    /** The value as a YAML double-quoted scalar. */
    private static final String YAML_VALUE = "\"\\e[31m" + "y".repeat(200) + "\"";

    @TempDir
    static Path dir;

    private static List<String> errors(String yaml, String... sets) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), yaml);
        try {
            new ConfigLoader(Map.of()).load(Optional.of(file), List.of(sets));
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("accepted");
    }

    private static void assertQuotedShortAndEscaped(List<String> errors, String key) {
        String line = errors.stream()
                .filter(l -> l.contains(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no error for " + key + ": " + errors));
        assertThat(line)
                .doesNotContain("\u001b")
                .contains("\\u001b[31m")
                .contains("\u2026 (205 characters)")
                .doesNotContain("y".repeat(61));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "licensing",
                "renewal.makFallback",
                "renewal.kms",
                "host.mode",
                "bridge.anonymous",
                "bridge.host",
                "metrics.host",
                "dashboard.host",
                "logging.level",
                "logging.maxFileSize",
                "logging.totalSizeCap",
                "fleet.agentId",
            })
    void aTextSettingQuotesAWrongValueCutAndEscaped(String key) throws Exception {
        assertQuotedShortAndEscaped(errors("", key + "=" + YAML_VALUE), key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bridge.tls.clientCaFile", "fleet.caFile", "plugins.trustStore"})
    void aFilePathIsQuotedWholeUpToAWindowsPathsLengthAndEscaped(String key) throws Exception {
        String path = "/nowhere/\\e[31m" + "y".repeat(300);
        String line = errors("", key + "=\"" + path + "\"").stream()
                .filter(l -> l.startsWith("--set " + key + ":"))
                .findFirst()
                .orElseThrow();
        assertThat(line)
                .doesNotContain("\u001b")
                .contains("/nowhere/\\u001b[31m" + "y".repeat(200))
                .contains("\u2026 (314 characters)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bridge.inbound", "bridge.outbound", "fleet.hubs", "simulated.faults.kinds"})
    void aListSettingQuotesAWrongEntryCutAndEscaped(String key) throws Exception {
        assertQuotedShortAndEscaped(errors("", key + "=[" + YAML_VALUE + "]"), key + "[0]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"role", "name"})
    void aTokenQuotesAWrongRoleOrARepeatedNameCutAndEscaped(String field) throws Exception {
        String other = field.equals("role") ? "name: ops" : "role: admin";
        String token = "{" + field + ": " + YAML_VALUE + ", " + other + ", token: " + "0123456789abcdef" + "%s}";
        String yaml = "bridge:\n  tokens:\n    - " + token.formatted("0") + "\n    - " + token.formatted("1") + "\n";
        assertQuotedShortAndEscaped(errors(yaml), "bridge.tokens[");
    }

    @Test
    void aValueWrittenInTheFileIsQuotedCutAndEscapedAfterItsLine() throws Exception {
        List<String> errors = errors("logging:\n  level: " + YAML_VALUE + "\n");
        assertThat(errors).hasSize(1);
        assertQuotedShortAndEscaped(errors, "agent.yaml:2: logging.level: must be one of");
    }

    @Test
    void aKeyWrittenInTheFileHasItsControlCharactersEscaped() throws Exception {
        List<String> errors = errors("renewal:\n  families:\n    \"\\e[31mOffice\": {kms: dns}\n");
        assertThat(errors)
                .singleElement()
                .asString()
                .contains("agent.yaml:3: renewal.families.\\u001b[31mOffice: a family id is lower-case")
                .doesNotContain("\u001b");
    }
}
