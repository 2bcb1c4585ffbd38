package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the configuration is warned of is said in {@code run}'s start banner, as its other start warnings are. */
class StartWarningsTest {
    @TempDir
    Path dir;

    @Test
    void aKmsagentVariableThatSetsNoKeyIsNamedInTheBanner() throws Exception {
        Path log = dir.resolve("run.log");
        ProcessBuilder b = new ProcessBuilder(KmsAgentProcess.command(
                List.of(), List.of("run", "--set", "dataDir=" + dir.resolve("data"), "--set", "bridge.port=0")));
        b.environment().put("KMSAGENT_METRIC_PORT", "17736");
        Process run = b.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !run.isAlive() || Files.readString(log).contains("logging: "));
            // Before, nothing: the variable was ignored without a word.
            assertThat(Files.readString(log))
                    .contains("kms-agent: environment variable KMSAGENT_METRIC_PORT: names no configuration key;"
                            + " ignored (did you mean 'KMSAGENT_METRICS_PORT'");
        } finally {
            run.destroy();
            run.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCommandsThatWorkWithoutTheAgentNameSuchAVariableOnceToo() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (List<String> command : List.of(
                List.of("status"), List.of("products"), List.of("gvlk", "Windows 11 Enterprise"), List.of("doctor"))) {
            List<String> args = new ArrayList<>(List.of("--plugins-dir", plugins.toString()));
            args.addAll(command);
            KmsAgentProcess p = KmsAgentProcess.run(
                    Files.createDirectories(dir.resolve(command.get(0))),
                    Map.of(
                            "KMSAGENT_METRIC_PORT",
                            "17736",
                            "KMSAGENT_DATA_DIR",
                            dir.resolve("data").toString()),
                    args);
            // Before, only run, the service and hub said it: a status taken to check a change showed the default.
            assertThat(p.err()
                            .lines()
                            .filter(l -> l.equals("warning: environment variable KMSAGENT_METRIC_PORT: names no"
                                    + " configuration key; ignored (did you mean 'KMSAGENT_METRICS_PORT' or"
                                    + " 'KMSAGENT_METRICS_HOST'?)")))
                    .as(command + ":\n" + p.err())
                    .hasSize(1);
        }
    }
}
