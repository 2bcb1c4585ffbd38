package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which configuration file a command reads: the one rule run, hub, the service and the offline commands share. */
class ConfigFileTest {
    private static final Map<String, String> NAMED = Map.of("KMSAGENT_CONFIG", "/etc/kms-agent/agent.yaml");

    @Test
    void aFileGivenExplicitlyWinsOverTheVariable() throws Exception {
        assertThat(ConfigFile.choose("given.yaml", "--config", NAMED)).contains(Path.of("given.yaml"));
    }

    @Test
    void withoutAGivenFileTheVariableNamesIt() throws Exception {
        assertThat(ConfigFile.choose(null, "--config", NAMED)).contains(Path.of("/etc/kms-agent/agent.yaml"));
        assertThat(ConfigFile.fromEnvironment(NAMED)).contains(Path.of("/etc/kms-agent/agent.yaml"));
    }

    @Test
    void withNeitherThereIsNoFile() throws Exception {
        assertThat(ConfigFile.choose(null, "--config", Map.of())).isEmpty();
    }

    /** {@code set KMSAGENT_CONFIG=} in cmd.exe, a blank MSI, GPO or systemd Environment line: not set. */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void anEmptyOrBlankVariableIsNotSet(String value) throws Exception {
        Map<String, String> environment = Map.of("KMSAGENT_CONFIG", value);
        assertThat(ConfigFile.choose(null, "--config", environment)).isEqualTo(Optional.empty());
        assertThat(ConfigFile.fromEnvironment(environment)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void anEmptyFileGivenExplicitlyIsRefusedNamingHowItWasGiven(String given) {
        assertThatThrownBy(() -> ConfigFile.choose(given, "--config", NAMED))
                .isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).errors())
                .asList()
                .containsExactly("--config: is empty; name the YAML configuration file, or leave --config out for"
                        + " KMSAGENT_CONFIG or the defaults");
    }

    @Test
    void aValueThatIsNoPathIsRefusedNamingWhereItCameFrom() {
        assertThatThrownBy(() -> ConfigFile.choose("a\0b", "--config", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config: not a file path");
        assertThatThrownBy(() -> ConfigFile.fromEnvironment(Map.of("KMSAGENT_CONFIG", "a\0b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KMSAGENT_CONFIG: not a file path");
    }
}
