package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * {@code kms-agent products > file} on a full disk: the output was cut short and the command still exited 0, so a
 * script kept a partial file as the whole. /dev/full stands for the full disk (every write fails with ENOSPC).
 */
class StandardOutputLostIT {
    @TempDir
    Path dir;

    /** {@code kms-agent products} over the built plugins, started in the test's folder. */
    private ProcessBuilder products() {
        return new ProcessBuilder(KmsAgentProcess.command(
                        List.of(),
                        List.of(
                                "products",
                                "--plugins-dir",
                                PluginJars.builtPlugins().toString())))
                .directory(dir.toFile());
    }

    @Test
    void aCommandWhoseOutputCannotBeWrittenFailsAndSaysSo() throws Exception {
        File full = new File("/dev/full");
        assumeTrue(full.exists(), "needs /dev/full (Linux)");
        Path err = dir.resolve("err.txt");
        Process p = products().redirectOutput(full).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(err, StandardCharsets.UTF_8))
                .contains("kms-agent: standard output could not be written (a full disk, or a pipe closed");
    }

    /**
     * {@code kms-agent doctor --json > report.json} on a full disk: doctor found problems (the simulated machine has no
     * KMS host), so it exits 1 as it would anyway, but it said nothing of the lost report.
     */
    @Test
    void aCommandThatFoundProblemsStillSaysItsOutputWasLost() throws Exception {
        File full = new File("/dev/full");
        assumeTrue(full.exists(), "needs /dev/full (Linux)");
        List<String> doctor = List.of(
                "doctor", "--json", "--plugins-dir", PluginJars.builtPlugins().toString(), "--licensing", "simulated");
        KmsAgentProcess written = KmsAgentProcess.run(dir, doctor);
        assertThat(written.exit())
                .as("doctor finds problems here: %s", written.out())
                .isEqualTo(1);

        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(KmsAgentProcess.command(List.of(), doctor))
                .directory(dir.toFile())
                .redirectOutput(full)
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(err, StandardCharsets.UTF_8))
                .contains("kms-agent: standard output could not be written (a full disk, or a pipe closed");
    }

    /**
     * {@code kms-agent ctl fleet | grep -q pc-0042}: grep left at the first match and the agent said its output was
     * lost and exited 1, failing the docs' own wait loop. A reader that stops early is no lost output.
     */
    @Test
    void aPipeWhoseReaderStopsEarlyEndsTheCommandQuietly() throws Exception {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/self/fd/1")), "needs /proc (Linux) to tell a pipe");
        Path err = dir.resolve("err.txt");
        Process p = products().redirectError(err.toFile()).start();
        // The reader goes before the command prints anything (its JVM is still starting): every write fails, EPIPE.
        p.getInputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String printed = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).doesNotContain("could not be written");
    }

    @Test
    void theSameCommandWithItsOutputWrittenExitsZero() throws Exception {
        KmsAgentProcess run = KmsAgentProcess.run(
                dir,
                List.of("products", "--plugins-dir", PluginJars.builtPlugins().toString()));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("windows-client");
        assertThat(run.err()).doesNotContain("could not be written");
    }
}
