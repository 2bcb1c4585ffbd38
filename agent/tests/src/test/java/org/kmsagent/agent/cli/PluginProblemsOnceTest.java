package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
            Run run = kmsAgent(dir, argv);
            List<String> told =
                    run.err().lines().filter(l -> l.contains("broken.jar")).toList();
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(told)
                    .as(String.join(" ", args))
                    .containsExactly("warning: plugin not loaded: broken.jar: not a jar (zip) file: zip END header not"
                            + " found");
        }
    }

    private record Run(int exit, String out, String err) {}

    /** {@code kms-agent ARGS} as a child JVM on the test class path, its output kept in {@code dir}. */
    private static Run kmsAgent(Path dir, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "org.kmsagent.agent.cli.Main"));
        cmd.addAll(args);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kms-agent " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
