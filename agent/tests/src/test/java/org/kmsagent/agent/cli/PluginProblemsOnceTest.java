package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin jar that does not load is told once on standard error, as the {@code warning: plugin not loaded} line,
 * not a second time as a logged ERROR line. A real process, so that the logging set up for commands other than
 * {@code run} is the one a user gets.
 */
class PluginProblemsOnceTest {
    @TempDir
    Path dir;

    @Test
    void productsPrintsAJarThatDoesNotLoadOnceAsAWarning() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("broken.jar"), "not a jar");

        for (List<String> args : List.of(List.of("products"), List.of("products", "--json"))) {
            List<String> argv = new ArrayList<>(List.of("--plugins-dir", plugins.toString()));
            argv.addAll(args);
            KmsAgentProcess run = KmsAgentProcess.run(dir, argv);
            List<String> told =
                    run.err().lines().filter(l -> l.contains("broken.jar")).toList();
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(told)
                    .as(String.join(" ", args))
                    .containsExactly("warning: plugin not loaded: broken.jar: not a jar (zip) file: zip END header not"
                            + " found");
        }
    }
}
