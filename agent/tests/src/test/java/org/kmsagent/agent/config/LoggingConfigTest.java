package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logging.* keys: INFO to standard error by default; a bad level or size is an error naming its key. */
class LoggingConfigTest {
    private static AgentConfig load(Map<String, String> env, String... sets) throws ConfigException {
        return new ConfigLoader(env).load(Optional.empty(), List.of(sets));
    }

    @Test
    void theDefaultIsInfoWithoutAFile() throws Exception {
        LoggingConfig l = load(Map.of()).logging();
        assertThat(l.levelName()).isEqualTo("INFO");
        assertThat(l.file()).isNull();
        assertThat(LoggingConfig.bytes(l.maxFileSize())).isEqualTo(10L * 1024 * 1024);
        assertThat(LoggingConfig.bytes(l.totalSizeCap())).isEqualTo(200L * 1024 * 1024);
        assertThat(l.maxHistoryDays()).isEqualTo(14);
    }

    @Test
    void levelAndFileAreSetLikeAnyOtherKeyInAnyCase() throws Exception {
        LoggingConfig l = load(
                        Map.of("KMSAGENT_LOGGING_FILE", "/var/log/kms-agent.log"),
                        "logging.level=warn",
                        "logging.maxFileSize=1 kb")
                .logging();
        assertThat(l.levelName()).isEqualTo("WARN");
        assertThat(l.file()).isEqualTo("/var/log/kms-agent.log");
        assertThat(LoggingConfig.bytes(l.maxFileSize())).isEqualTo(1024);
    }

    @Test
    void aBadLevelIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> load(Map.of(), "logging.level=LOUD"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logging.level: must be one of ERROR|WARN|INFO|DEBUG|TRACE, got 'LOUD'");
    }

    @Test
    void theFormatIsTextUnlessJsonIsAskedForInAnyCase() throws Exception {
        assertThat(load(Map.of()).logging().json()).isFalse();
        assertThat(load(Map.of(), "logging.format=JSON").logging().json()).isTrue();
        assertThat(load(Map.of("KMSAGENT_LOGGING_FORMAT", "json")).logging().json())
                .isTrue();
        assertThatThrownBy(() -> load(Map.of(), "logging.format=xml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logging.format: must be one of text|json, got 'xml'");
    }

    @Test
    void badSizesAndHistoryAreNamedByTheirKeys() {
        assertThatThrownBy(() -> load(Map.of(), "logging.maxFileSize=ten", "logging.maxHistoryDays=0"))
                .hasMessageContaining("logging.maxFileSize: expected a size such as 10MB")
                .hasMessageContaining("logging.maxHistoryDays: expected a whole number 1-3650, got 0");
        assertThatThrownBy(() -> load(Map.of(), "logging.maxFileSize=10MB", "logging.totalSizeCap=1MB"))
                .hasMessageContaining("logging.totalSizeCap: 1MB is less than logging.maxFileSize 10MB");
    }

    @Test
    void aLogFileThatIsAFolderIsNamedByItsKey(@TempDir Path dir) {
        assertThatThrownBy(() -> load(Map.of(), "logging.file=" + dir))
                .hasMessageContaining("logging.file: " + dir + " is a directory");
    }
}
