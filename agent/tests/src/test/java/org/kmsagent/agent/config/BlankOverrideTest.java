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

/**
 * A blank {@code KMSAGENT_<KEY>} is not set, as a blank {@code KMSAGENT_CONFIG} is: the file's value (or the default)
 * stays. It used to put the key back to its default over the file: a data folder of its own (a new CMID, a new admin
 * token) for an MSI or GPO {@code Environment} line left empty. An empty {@code --set key=} is refused naming the key.
 */
class BlankOverrideTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        return Files.writeString(dir.resolve("agent.yaml"), text);
    }

    @Test
    void aBlankVariableLeavesTheFilesValue() throws Exception {
        Path file = yaml("bridge:\n  port: 17734\ndataDir: dt2\nmetrics:\n  port: 17736\nrenewal:\n  kms: kms.corp\n");
        for (String blank : List.of("", " ", "\t")) {
            AgentConfig c = new ConfigLoader(Map.of(
                            "KMSAGENT_DATA_DIR", blank,
                            "KMSAGENT_METRICS_PORT", blank,
                            "KMSAGENT_RENEWAL_KMS", blank,
                            // one that names a list of entries is not refused either: it is not set
                            "KMSAGENT_BRIDGE_TOKENS", blank))
                    .load(Optional.of(file), List.of());
            assertThat(c.dataDir()).as("'%s'", blank).isEqualTo("dt2");
            assertThat(c.metrics().port()).isEqualTo(17736);
            assertThat(c.bridge().port()).isEqualTo(17734);
            assertThat(c.renewal().kms()).isEqualTo("kms.corp");
        }
        // An empty text is still given explicitly, as in the file.
        assertThat(new ConfigLoader(Map.of("KMSAGENT_RENEWAL_KMS", "\"\""))
                        .load(Optional.of(file), List.of())
                        .renewal()
                        .kms())
                .isEmpty();
    }

    @Test
    void anEmptySetIsRefusedNamingItsKey() throws Exception {
        Path file = yaml("metrics:\n  port: 17736\n");
        for (String empty : List.of("metrics.port=", "metrics.port=  ")) {
            assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.of(file), List.of(empty)))
                    .isInstanceOfSatisfying(
                            ConfigException.class,
                            e -> assertThat(e.errors())
                                    .containsExactly(
                                            "--set metrics.port: no value given (write it after '=', \"\" for an"
                                                    + " empty text; without --set metrics.port the file's value or the default"
                                                    + " applies)"));
        }
        assertThat(new ConfigLoader(Map.of())
                        .load(Optional.of(file), List.of("renewal.kms=\"\""))
                        .renewal()
                        .kms())
                .isEmpty();
    }
}
