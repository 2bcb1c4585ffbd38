package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} (as {@code status}, {@code products} and {@code gvlk}) reports the problems {@code run} reports for
 * the same file, line for line, through the one loader and validator; the only line it leaves out is the one
 * docs/configuration.md ("Overrides") says it does: a token's secret whose {@code ${NAME}} is unset in the console.
 */
class DoctorAndRunSameProblemsTest {
    @TempDir
    Path dir;

    @Test
    void doctorReportsEveryProblemRunReportsButAnUnsetTokenVariable() throws Exception {
        // The walkthrough's tok2.yaml, and an unset variable outside a secret, which doctor reports as run does.
        Path file = Files.writeString(dir.resolve("tok2.yaml"), """
                bridge:
                  tokens:
                    - name: a
                      token: short
                      role: none
                    - name: b
                      token: ${NOPE_UNSET_TOKEN_VARIABLE}
                      role: read
                    - name: c
                      hash: "pbkdf2-sha256:xx"
                      token: aaaaaaaaaaaaaaaaaaaa
                renewal:
                  kms: ${NOPE_UNSET_KMS_VARIABLE}
                """);
        KmsAgentProcess run =
                run(Map.of(), "run", "--config", file.toString(), "--set", "dataDir=" + dir.resolve("data"));
        KmsAgentProcess doctor = run(Map.of(), "doctor", "--config", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(doctor.exit()).as(doctor.toString()).isEqualTo(2);
        List<String> fromRun = problems(run.err());
        String unsetSecret =
                file + ":7: bridge.tokens[1].token: environment variable NOPE_UNSET_TOKEN_VARIABLE is not set";
        assertThat(fromRun)
                .containsExactlyInAnyOrder(
                        unsetSecret,
                        file + ":13: renewal.kms: environment variable NOPE_UNSET_KMS_VARIABLE is not set",
                        file + ":5: bridge.tokens[0].role: must be one of read|admin, got 'none'",
                        file + ":4: bridge.tokens[0].token: must be at least 16 characters",
                        file + ":9: bridge.tokens[2]: give token or hash, not both",
                        file + ":10: bridge.tokens[2].hash: expected pbkdf2-sha256:<iterations>:<salt base64>:"
                                + "<hash base64> (as 'kms-agent token hash' prints it)",
                        file + ":9: bridge.tokens[2].role: must be given: one of read|admin");
        assertThat(problems(doctor.err()))
                .as(doctor.err())
                .containsExactlyElementsOf(
                        fromRun.stream().filter(p -> !p.equals(unsetSecret)).toList());
    }

    @Test
    void severalVariablesNamingOneKeyAreOneProblemForDoctorAsForRun() throws Exception {
        // Before: doctor and run applied KMSAGENT_bridge_maxFrameBytes (last by name) and ignored the other two.
        Path file = Files.writeString(dir.resolve("ok.yaml"), "licensing: simulated\n");
        Map<String, String> env = Map.of(
                "KMSAGENT_BRIDGE_MAX_FRAME_BYTES", "100",
                "KMSAGENT_BRIDGE_MAXFRAMEBYTES", "50",
                "KMSAGENT_bridge_maxFrameBytes", "70");
        String problem = "environment variables KMSAGENT_BRIDGE_MAXFRAMEBYTES, KMSAGENT_BRIDGE_MAX_FRAME_BYTES and"
                + " KMSAGENT_bridge_maxFrameBytes all set bridge.maxFrameBytes: give it once";
        for (List<String> command : List.of(
                List.of("run", "--config", file.toString(), "--set", "dataDir=" + dir.resolve("data")),
                List.of("doctor", "--config", file.toString()))) {
            KmsAgentProcess p = run(env, command.toArray(String[]::new));
            assertThat(p.exit()).as(p.toString()).isEqualTo(2);
            assertThat(problems(p.err())).as(command.get(0)).containsExactly(problem);
        }
    }

    private KmsAgentProcess run(Map<String, String> environment, String... args) throws Exception {
        return KmsAgentProcess.run(dir, environment, List.of(args));
    }

    /**
     * The problem lines of a refused configuration: one a line, indented by two spaces; a single one doctor prints
     * after its colon ({@code cannot be read: PROBLEM}).
     */
    private static List<String> problems(String err) {
        List<String> indented = Arrays.stream(err.split("\\R"))
                .filter(l -> l.startsWith("  "))
                .map(l -> l.substring(2))
                .toList();
        if (!indented.isEmpty()) {
            return indented;
        }
        String single = "cannot be read: ";
        return Arrays.stream(err.split("\\R"))
                .filter(l -> l.contains(single))
                .map(l -> l.substring(l.indexOf(single) + single.length()))
                .toList();
    }
}
