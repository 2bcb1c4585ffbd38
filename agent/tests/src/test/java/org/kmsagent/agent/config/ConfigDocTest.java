package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key the configuration records define, so the doc cannot rot. */
class ConfigDocTest {
    @Test
    void everyKeyIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "..", "docs", "configuration.md"));
        assertThat(ConfigKeys.all())
                .hasSizeGreaterThan(20)
                .allSatisfy(key -> assertThat(doc)
                        .as("docs/configuration.md documents `%s`", key)
                        .contains("| `" + key + "` |"));
    }

    @Test
    void keyPathsCoverNestedRecordsListsAndMaps() {
        assertThat(ConfigKeys.all())
                .contains(
                        "bridge.tls.certFile",
                        "bridge.tokens[].role",
                        "renewal.families.<family>.kms",
                        "host.publishDns");
    }
}
