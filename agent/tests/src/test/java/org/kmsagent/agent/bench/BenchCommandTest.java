package org.kmsagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.KmsAgentCommand;
import picocli.CommandLine;

/** {@code kms-agent bench}: which benchmarks run, where, and what a failed one leaves of the others' figures. */
class BenchCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {}

    private static Result bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = KmsAgentCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void twoBenchmarksRunEachInAProcessOfItsOwnAndOneFailingKeepsTheOthersFigures() throws Exception {
        Path noInstallation = launcherThatCannotRun(dir.resolve("broken-install"));
        Result r = bench("bench", "--quick", "--only", "bridge,startup", "--home", noInstallation.toString(), "--json");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(r.out());
        List<String> benchmarks = StreamSupport.stream(json.get("figures").spliterator(), false)
                .map(f -> f.get("benchmark").asText())
                .distinct()
                .toList();
        assertThat(benchmarks).containsExactly("bridge");
        assertThat(json.get("failed")).hasSize(1);
        assertThat(json.get("failed").get(0).asText()).startsWith("startup: ").contains(noInstallation.toString());

        // Each child announces itself with its process id; neither is this test's JVM, and they are two.
        Matcher m = Pattern.compile("running (\\S+) \\(quick\\) in process (\\d+) \\.\\.\\.")
                .matcher(r.err());
        List<String> pids = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            pids.add(m.group(2));
        }
        assertThat(names).containsExactly("bridge", "startup");
        assertThat(pids)
                .doesNotHaveDuplicates()
                .doesNotContain(Long.toString(ProcessHandle.current().pid()));
        // Said once: the benchmark's process and bench both said it.
        assertThat(r.err().split("benchmark failed: startup: ", -1)).hasSize(2);
    }

    @Test
    void aBenchmarkNamedWithQuickThatDoesNotRunWithItIsSaidNotDroppedInSilence() {
        Result r = bench("bench", "--quick", "--only", "million", "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("bench: million skipped: it does not run with --quick");
    }

    /**
     * An installation folder whose launcher is there but not executable: it passes bench's own check of --home, and
     * the startup benchmark fails on it in its process, which is what these tests need a benchmark to do.
     */
    private static Path launcherThatCannotRun(Path home) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/kms-agent"), "not a launcher\n");
        return home;
    }

    @Test
    void aHomeThatIsNoInstallationIsAUsageErrorBeforeAnythingRuns() {
        Path nothing = dir.resolve("nonexistent");
        Result r = bench("bench", "--json", "--quick", "--only", "startup", "--home", nothing.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("--home " + nothing + ": no kms-agent installation there (no bin/kms-agent)")
                .doesNotContain("running startup");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aSingleBenchmarkRunsInAProcessOfItsOwnToo() throws IOException {
        Result r = bench(
                "bench",
                "--quick",
                "--only",
                "startup",
                "--home",
                launcherThatCannotRun(dir.resolve("none")).toString());

        assertThat(r.exit()).isEqualTo(1);
        Matcher m = Pattern.compile("running startup \\(quick\\) in process (\\d+) \\.\\.\\.")
                .matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(m.group(1))
                .isNotEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(r.err()).contains("benchmark failed: startup: ");
    }

    @Test
    void theSimulatorsBenchmarksGetTheCollectorSimulateGets() {
        List<String> benchFlags = List.of(
                "-Xmx8g",
                "-XX:+UseParallelGC",
                "-XX:MaxGCPauseMillis=250",
                "--add-opens=java.base/java.lang=ALL-UNNAMED");

        assertThat(InheritedJvmFlags.asForSimulate(benchFlags, false))
                .containsExactly("-Xmx8g", "-XX:+UseSerialGC", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        assertThat(InheritedJvmFlags.asForSimulate(benchFlags, true))
                .containsExactly(
                        "-Xmx8g",
                        "-XX:+UseSerialGC",
                        "-XX:+UseTransparentHugePages",
                        "--add-opens=java.base/java.lang=ALL-UNNAMED");
        assertThat(InheritedJvmFlags.asForSimulate(List.of("-XX:-UseParallelGC", "-XX:+UseG1GC"), true))
                .as("a collector chosen otherwise is left as it is")
                .containsExactly("-XX:-UseParallelGC", "-XX:+UseG1GC");
    }

    @Test
    void hugePagesAreAskedForOnlyWhereTheKernelGivesThemOnRequest(@TempDir Path dir) throws Exception {
        Path setting = dir.resolve("enabled");
        Files.writeString(setting, "always [madvise] never\n");
        assertThat(InheritedJvmFlags.hugePagesOnRequest(setting)).isTrue();
        Files.writeString(setting, "[always] madvise never\n");
        assertThat(InheritedJvmFlags.hugePagesOnRequest(setting)).isTrue();
        Files.writeString(setting, "always madvise [never]\n");
        assertThat(InheritedJvmFlags.hugePagesOnRequest(setting)).isFalse();
        assertThat(InheritedJvmFlags.hugePagesOnRequest(dir.resolve("absent"))).isFalse();
    }

    @Test
    void anUnknownBenchmarkIsAUsageErrorThatNamesTheKnownOnes() {
        Result r = bench("bench", "--quick", "--only", "ledger,simulaton");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("--only: no benchmark is called 'simulaton'")
                .contains("simulation")
                .contains("fleet-20k-two-hubs");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aFigureWithoutABaselineKeepsItThroughTheJsonOfAProcessOfItsOwn() {
        BenchFigure none = new BenchFigure(
                "fleet-10k", "agents connected, s", 40.3, "s", "-", Double.NaN, false, OptionalDouble.empty());
        BenchFigure ratio = new BenchFigure(
                "ledger", "requests/s", 2943, "req/s", "raw inserts/s", 3601, true, OptionalDouble.of(0.5));

        BenchJson.Run back = BenchJson.read(BenchJson.write(List.of(none, ratio), List.of("bridge: timed out")));

        assertThat(back.figures()).hasSize(2);
        assertThat(back.figures().get(0).baseline()).isNaN();
        assertThat(back.figures().get(0).targetRatio()).isEmpty();
        assertThat(back.figures().get(1)).isEqualTo(ratio);
        assertThat(back.failed()).containsExactly("bridge: timed out");
    }
}
