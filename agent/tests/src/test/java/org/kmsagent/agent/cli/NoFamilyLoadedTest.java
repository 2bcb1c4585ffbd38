package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} and {@code doctor} over an empty plugins folder name the folder and what to put in it: an agent run
 * over it keeps nothing activated (its start banner says so too, LiveAgentIT).
 */
class NoFamilyLoadedTest {
    @TempDir
    Path empty;

    @Test
    void statusNamesTheEmptyFolder() {
        CliRun r = CliRun.of("status", "--licensing", "simulated", "--plugins-dir", empty.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("No product family is loaded from "
                        + empty.toAbsolutePath().normalize()
                        + ": no product was read; copy the family plugins there (docs/plugin-guide.md).");
    }

    @Test
    void doctorWarnsNamingTheEmptyFolderAndWhatToPutThere() {
        CliRun r = CliRun.of("doctor", "--json", "--licensing", "simulated", "--plugins-dir", empty.toString());
        JsonObject families = new JsonObject(r.out())
                .getJsonArray("findings").stream()
                        .map(JsonObject.class::cast)
                        .filter(f -> f.getString("check").equals("families"))
                        .findFirst()
                        .orElseThrow();
        assertThat(families.getString("verdict")).isEqualTo("WARN");
        assertThat(families.getString("detail"))
                .isEqualTo("no product family is loaded from "
                        + empty.toAbsolutePath().normalize()
                        + ", so no product was checked, and an agent started over it keeps none activated");
        assertThat(families.getString("fix")).contains("copy the family plugins there", "docs/plugin-guide.md");
    }
}
