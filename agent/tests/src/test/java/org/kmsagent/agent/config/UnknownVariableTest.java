package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code KMSAGENT_*} variable that sets no key is warned of, with the variable meant when one is close: a misspelt
 * key ({@code KMSAGENT_METRIC_PORT}) did nothing, without a word. The variables the project reads for other things,
 * and those the configuration names in a {@code ${NAME}}, are not.
 */
class UnknownVariableTest {
    @TempDir
    Path dir;

    private static List<String> warnings(Map<String, String> env, Optional<Path> file) throws Exception {
        return new ConfigLoader(env).loadLocated(file, List.of()).warnings();
    }

    @Test
    void aMisspeltKeyIsWarnedOfWithTheVariableMeant() throws Exception {
        ConfigLoader.Loaded loaded =
                new ConfigLoader(Map.of("KMSAGENT_METRIC_PORT", "17736")).loadLocated(Optional.empty(), List.of());
        assertThat(loaded.config().metrics().port()).isEqualTo(9688); // still ignored: not an error
        assertThat(loaded.warnings())
                .singleElement()
                .asString()
                .startsWith("environment variable KMSAGENT_METRIC_PORT: names no configuration key; ignored (did you"
                        + " mean 'KMSAGENT_METRICS_PORT'");
        assertThat(warnings(Map.of("KMSAGENT_TOKNE", "x"), Optional.empty()))
                .containsExactly("environment variable KMSAGENT_TOKNE: names no configuration key; ignored (did you"
                        + " mean 'KMSAGENT_TOKEN'?)");
    }

    @Test
    void theVariablesTheProjectReadsBlankOnesAndOtherPrefixesAreNotWarnedOf() throws Exception {
        Map<String, String> env = new HashMap<>();
        ConfigKeys.OTHER_VARIABLES.forEach(v -> env.put(v, "x"));
        env.remove(ConfigFile.VARIABLE); // it names a file, read by the command before the loader
        env.put("KMSAGENT_BRIDGE_PORT", "7690");
        // Another spelling, of another key: two that name one key are refused (ConfigLoaderTest).
        env.put("KMSAGENT_METRICSPORT", "9100");
        env.put("KMSAGENT_NOPE", " ");
        // Close to no variable: an administrator's own, such as the one the shipped hub.yaml reads (fleet.md sets it
        // in the shell an agent is then started from).
        env.put("KMSAGENT_OPS_TOKEN", "example-ops-token-0123456789");
        env.put("KMSAGENT_XYZZY_QUUX_PLUGH", "1");
        env.put("KMSAGENTX_NOPE", "1");
        env.put("PATH", "/bin");
        assertThat(warnings(env, Optional.empty())).isEmpty();
    }

    @Test
    void aVariableTheConfigurationNamesInAReferenceIsNotWarnedOf() throws Exception {
        Path file = Files.writeString(
                dir.resolve("agent.yaml"),
                "bridge:\n  tokens:\n    - {name: ops, token: \"${KMSAGENT_ADMIN_TOKEN}\", role: admin}\n");
        assertThat(warnings(
                        Map.of("KMSAGENT_ADMIN_TOKEN", "0123456789abcdef-ops", "KMSAGENT_READ_TOKEN", "x"),
                        Optional.of(file)))
                .singleElement()
                .asString()
                .startsWith("environment variable KMSAGENT_READ_TOKEN: names no configuration key; ignored");
    }

    /** Where a variable is read: a Java literal, a C getenv, a launcher script's use or assignment. */
    private static final Pattern READ = Pattern.compile(
            "\"(KMSAGENT_[A-Z0-9_]+)\"|getenv\\(L\"(KMSAGENT_[A-Z0-9_]+)\"|[%$]\\{?(KMSAGENT_[A-Z0-9_]+)"
                    + "|set \"?(KMSAGENT_[A-Z0-9_]+)=|^(KMSAGENT_[A-Z0-9_]+)=",
            Pattern.MULTILINE);

    @Test
    void everyKmsagentVariableTheProjectReadsSetsAKeyOrIsListedAsAnother() throws IOException {
        Path root = Path.of("..", "..");
        Set<String> read = new TreeSet<>();
        List<Path> sources;
        try (Stream<Path> files = Stream.concat(
                Files.walk(root.resolve("agent")).filter(f -> f.toString().contains("/src/main/")),
                Files.walk(root.resolve("distribution/src/main/bin")))) {
            sources = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().matches(".*\\.(java|c|cmd|ps1)$|.*/bin/kms-agent$"))
                    .toList();
        }
        for (Path f : sources) {
            Matcher m = READ.matcher(Files.readString(f));
            while (m.find()) {
                for (int g = 1; g <= m.groupCount(); g++) {
                    if (m.group(g) != null) {
                        read.add(m.group(g));
                    }
                }
            }
        }
        assertThat(read).contains("KMSAGENT_HOME", "KMSAGENT_JAVA_OPTS", "KMSAGENT_JAVA_HOME", "KMSAGENT_TOKEN");
        assertThat(read)
                .allSatisfy(v -> assertThat(
                                ConfigKeys.forEnvironment(v).isPresent() || ConfigKeys.OTHER_VARIABLES.contains(v))
                        .as("%s sets a key or is in ConfigKeys.OTHER_VARIABLES", v)
                        .isTrue());
    }
}
