package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/**
 * Every command that reads the configuration reports its problems together, one line each, as docs/configuration.md
 * ("Validation") says: status, doctor, products and gvlk as run does, not joined with "; " on one line.
 */
class ConfigProblemsOneLineEachTest {
    @TempDir
    Path dir;

    @Test
    void statusDoctorProductsAndGvlkPrintOneProblemALine() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "bridge:\n  port: 70000\nlicensing: foo\n");
        for (List<String> command :
                List.of(List.of("status"), List.of("doctor"), List.of("products"), List.of("gvlk", "x"))) {
            List<String> argv = new ArrayList<>(command);
            argv.addAll(List.of("--config", file.toString()));
            Result r = AgentFixture.run(argv.toArray(String[]::new));
            assertThat(r.exit()).as(command + "\n" + r).isEqualTo(2);
            assertThat(r.err())
                    .as(command.toString())
                    .contains("cannot be read:\n")
                    .contains("\n  " + file + ":3: licensing: must be one of slc|simulated|auto, got 'foo'\n")
                    .contains("\n  " + file + ":2: bridge.port: expected a whole number 0-65535, got 70000\n")
                    .doesNotContain("; " + file);
        }
    }
}
