package org.kmsagent.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.cli.Main;

/**
 * One benchmark run in a JVM of its own: {@code kms-agent [--plugins-dir DIR] bench --only NAME --json ...}, with a
 * hidden option that makes that process run it itself, on this JVM's java, class path and flags
 * ({@link InheritedJvmFlags}); its figures are read back from its JSON, and its progress lines are passed on to the
 * command's standard error as it prints them.
 *
 * <p>Why: run one after another in one JVM, a benchmark's figures depended on those run before it. After the ledger
 * benchmark, the bare event loop ran a third slower and the simulation a third faster (what the JIT had compiled and
 * profiled for the ledger's run is the likely cause; it was not pinned down), so the simulation's ratio read 0.21
 * where it reads 0.10 alone; after the million-machine run, the bridge's read 0.45 where it reads 0.74 to 0.79 alone
 * (docs/performance-log.md, "Full runs of 2026-12-03"). Each in a fresh JVM, a full run gives what each gives alone. A
 * benchmark of the simulator also gets the collector {@code simulate} gets ({@link Benchmark#measuresSimulate()}).
 */
final class BenchmarkProcess {
    private static final Pattern JSON_START = Pattern.compile("^\\{$", Pattern.MULTILINE);

    private BenchmarkProcess() {}

    /**
     * Runs {@code benchmark} with {@code benchOptions} (the {@code bench} options other than {@code --only} and
     * {@code --json}) and {@code pluginsDir} as the root's {@code --plugins-dir}, when given.
     *
     * @throws IllegalStateException when the process printed no figures (it crashed, or was killed), with its exit
     *     status
     */
    static BenchJson.Run run(Benchmark benchmark, List<String> benchOptions, Path pluginsDir, PrintWriter err)
            throws Exception {
        String name = benchmark.name();
        List<String> flags = InheritedJvmFlags.of();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(benchmark.measuresSimulate() ? InheritedJvmFlags.asForSimulate(flags) : flags);
        cmd.addAll(List.of(
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        if (pluginsDir != null) {
            cmd.addAll(List.of("--plugins-dir", pluginsDir.toString()));
        }
        cmd.addAll(List.of("bench", "--only", name, "--json", "--in-this-process"));
        cmd.addAll(benchOptions);
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        Thread progress = new Thread(() -> passOn(p.getErrorStream(), err), "bench-" + name + "-stderr");
        progress.setDaemon(true);
        progress.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        int status = p.waitFor();
        progress.join(10_000);
        // The JSON opens with the only unindented "{" line: anything a benchmark printed before it is skipped.
        Matcher start = JSON_START.matcher(out);
        if (!start.find()) {
            throw new IllegalStateException(
                    "its process (" + p.pid() + ") ended with exit status " + status + " and printed no figures");
        }
        return BenchJson.read(out.substring(start.start()));
    }

    private static void passOn(InputStream from, PrintWriter to) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (to) {
                    to.println(line);
                    to.flush();
                }
            }
        } catch (IOException e) {
            // the process is gone; its exit status says the rest
        }
    }
}
