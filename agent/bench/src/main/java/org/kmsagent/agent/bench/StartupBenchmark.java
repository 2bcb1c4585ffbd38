package org.kmsagent.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An installation's footprint, measured on its own launcher ({@code bin/kms-agent run}, with the JVM flags it sets)
 * beside a bare JVM with the same flags printing hello ({@link Hello}), in the same run. The installation is this
 * one, or the one {@code bench --home DIR} names: the machine agent carries no benchmarks, so its footprint is
 * measured from the full install ({@code kms-agent bench --only startup --home ../kms-agent-machine}).
 *
 * <ul>
 *   <li>cold start to ready (the bridge listening; the plugins loaded) against the bare JVM's start to hello; target
 *       at most 4 times;
 *   <li>resident memory (RSS from /proc) once idle, against the idle bare JVM; target at most 64 MB;
 *   <li>CPU used while idle for a few seconds (a polling loop would show here), against the idle bare JVM;
 *   <li>the size of {@code lib/}; target at most 20 MB;
 *   <li>a whole {@code kms-agent status} process, start to exit, against a bare JVM printing hello; target at most
 *       4 times.
 * </ul>
 *
 * <p>Linux only (it reads /proc); elsewhere, or outside an installation, it says why and measures nothing.
 */
public final class StartupBenchmark implements Benchmark {
    private static final String READY = "kms-agent: bridge listening on";
    /** The start banner's plugins line when at least one loaded ("kms-agent: plugins from DIR: 8 loaded [...]"). */
    private static final Pattern PLUGINS_LOADED =
            Pattern.compile("(?m)^kms-agent: plugins from .*: [1-9][0-9]* loaded ");

    private static final long RSS_TARGET_KB = 64 * 1024;
    private static final double LIB_TARGET_MB = 20;

    private final Path home;

    public StartupBenchmark(Path installationHome) {
        this.home = installationHome;
    }

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        Path launcher = home.resolve("bin/kms-agent");
        if (!Files.isExecutable(launcher) || !Files.isDirectory(Path.of("/proc/self"))) {
            throw new IllegalStateException(
                    "needs an installation (" + launcher + ") on Linux; run it from bin/kms-agent");
        }
        int rounds = quick ? 1 : 5;
        int idleSeconds = quick ? 2 : 10;
        // One data folder for every round, started once unmeasured: the first start of an installation makes its TLS
        // certificate and ledger, which later starts only read.
        Path data = Files.createTempDirectory("kms-agent-bench");
        try {
            // Every process runs in that folder, as a service runs outside its installation: a relative `plugins` (the
            // default) then means the installation's plugins/, not whatever plugins/ the benchmark was started beside
            // (the
            // source tree's holds no jar, and an agent without plugins both starts faster and leaves the launcher a
            // class-data archive without them, which `status` then loads from their jars).
            Sample first = measure(agentCommand(launcher, data), data, READY, 1);
            if (!PLUGINS_LOADED.matcher(first.output()).find()) {
                throw new IllegalStateException("the agent loaded none of " + home.resolve("plugins")
                        + "'s plugins, so its start would be measured without them:\n" + first.output());
            }
            double[] agentStart = new double[rounds];
            double[] bareStart = new double[rounds];
            Sample agent = null;
            Sample bare = null;
            for (int i = 0; i < rounds; i++) {
                bare = measure(bareCommand(idleSeconds + 5), data, "hello", idleSeconds);
                agent = measure(agentCommand(launcher, data), data, READY, idleSeconds);
                bareStart[i] = bare.startMillis;
                agentStart[i] = agent.startMillis;
            }
            List<BenchFigure> figures = new ArrayList<>();
            figures.add(new BenchFigure(
                    name(),
                    "agent cold start to ready",
                    Median.of(agentStart),
                    "ms",
                    "bare JVM start to hello",
                    Median.of(bareStart),
                    false,
                    OptionalDouble.of(4.0)));
            figures.add(new BenchFigure(
                    name(),
                    "agent resident memory, idle (target 64 MB)",
                    agent.rssKb / 1024.0,
                    "MB",
                    "bare JVM resident memory, idle",
                    bare.rssKb / 1024.0,
                    false,
                    OptionalDouble.of((double) RSS_TARGET_KB / bare.rssKb)));
            figures.add(new BenchFigure(
                    name(),
                    "agent CPU while idle " + idleSeconds + " s",
                    agent.idleCpuMillis,
                    "ms",
                    "bare JVM CPU while idle",
                    bare.idleCpuMillis,
                    false,
                    OptionalDouble.empty()));
            figures.add(new BenchFigure(
                    name(),
                    "lib/ size (" + home.getFileName() + ")",
                    libMegabytes(),
                    "MB",
                    "target lib/ size",
                    LIB_TARGET_MB,
                    false,
                    OptionalDouble.of(1.0)));
            double[] status = new double[rounds];
            double[] hello = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                hello[i] = runToExit(bareCommand(0), data);
                status[i] = runToExit(List.of(launcher.toString(), "status"), data);
            }
            figures.add(new BenchFigure(
                    name(),
                    "kms-agent status, start to exit",
                    Median.of(status),
                    "ms",
                    "bare JVM hello, start to exit",
                    Median.of(hello),
                    false,
                    OptionalDouble.of(4.0)));
            return figures;
        } finally {
            // It holds the agent's admin token and TLS key: each run left one in the temporary folder.
            deleteTree(data);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<String> agentCommand(Path launcher, Path data) {
        return List.of(launcher.toString(), "run", "--set", "dataDir=" + data, "--set", "bridge.port=0");
    }

    /** The bare JVM: the agent's flags, and only the jar that holds {@link Hello} on its class path. */
    private static List<String> bareCommand(int seconds) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String helloJar = Path.of(Hello.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        return List.of(
                java,
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-XX:TieredStopAtLevel=1",
                "-XX:Tier3InvocationThreshold=2000",
                "-XX:Tier3MinInvocationThreshold=1000",
                "-XX:Tier3CompileThreshold=20000",
                "-XX:Tier3BackEdgeThreshold=600000",
                "-Xms8m",
                "-Xmx64m",
                "-XX:ReservedCodeCacheSize=16m",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-UsePerfData",
                "-cp",
                helloJar,
                Hello.class.getName(),
                Integer.toString(seconds));
    }

    private double libMegabytes() throws IOException {
        try (var files = Files.list(home.resolve("lib"))) {
            long bytes = 0;
            // The jars shipped; not the class-data archive the launcher writes beside them at the first run.
            for (Path f : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                bytes += Files.size(f);
            }
            return bytes / (1024.0 * 1024.0);
        }
    }

    /** Milliseconds from starting the command to its exit (its output discarded); fails if it does not exit 0. */
    private static double runToExit(List<String> command, Path workingDirectory) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " " + command.get(1) + " did not exit within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue());
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * Starts the command in {@code workingDirectory}, waits for the ready line, lets it idle, reads RSS and CPU, and
     * stops it; the sample keeps what it printed (the rest of its start banner comes right after the ready line).
     */
    private static Sample measure(List<String> command, Path workingDirectory, String readyLine, int idleSeconds)
            throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean ready = false;
            StringBuffer seen = new StringBuffer(); // the drain below appends to it too
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith(readyLine)) {
                    ready = true;
                    break;
                }
            }
            if (!ready) {
                throw new IllegalStateException(command.get(0) + " never printed '" + readyLine + "':\n" + seen);
            }
            double startMillis = (System.nanoTime() - start) / 1e6;
            Thread drain = new Thread(
                    () -> {
                        try {
                            out.lines().forEach(l -> seen.append(l).append('\n'));
                        } catch (UncheckedIOException closed) {
                            // the process was stopped: nothing more to read
                        }
                    },
                    "bench-drain");
            drain.setDaemon(true);
            drain.start();
            long cpuBefore = cpuMillis(p.pid());
            // The idle window itself is what is measured: a process that polls uses CPU here.
            p.waitFor(idleSeconds, TimeUnit.SECONDS);
            long cpuAfter = cpuMillis(p.pid());
            return new Sample(startMillis, ProcessMemory.residentKb(p.pid()), cpuAfter - cpuBefore, seen.toString());
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** utime + stime of the process, from /proc/PID/stat, in milliseconds (clock ticks assumed 100 Hz, Linux's). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10;
    }

    private record Sample(double startMillis, long rssKb, long idleCpuMillis, String output) {}
}
