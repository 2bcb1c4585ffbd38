package org.kmsagent.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The agent's footprint, measured on the installation's own launcher ({@code bin/kms-agent run}, with the JVM flags
 * it sets) beside a bare JVM with the same flags printing hello ({@link Hello}), in the same run:
 *
 * <ul>
 *   <li>cold start to ready (the bridge listening; four plugins loaded) against the bare JVM's start to hello;
 *   <li>resident memory (RSS from /proc) once idle, against the idle bare JVM; target at most 96 MB;
 *   <li>CPU used while idle for a few seconds (a polling loop would show here), against the idle bare JVM.
 * </ul>
 *
 * <p>Linux only (it reads /proc); elsewhere, or outside an installation, it says why and measures nothing.
 */
public final class StartupBenchmark implements Benchmark {
  private static final String READY = "kms-agent: bridge listening on";
  private static final long RSS_TARGET_KB = 96 * 1024;

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
      throw new IllegalStateException("needs an installation (" + launcher + ") on Linux; run it from bin/kms-agent");
    }
    int rounds = quick ? 1 : 5;
    int idleSeconds = quick ? 2 : 10;
    // One data folder for every round, started once unmeasured: the first start of an installation makes its TLS
    // certificate and ledger, which later starts only read.
    Path data = Files.createTempDirectory("kms-agent-bench");
    measure(agentCommand(launcher, data), READY, 0);
    double[] agentStart = new double[rounds];
    double[] bareStart = new double[rounds];
    Sample agent = null;
    Sample bare = null;
    for (int i = 0; i < rounds; i++) {
      bare = measure(bareCommand(idleSeconds + 5), "hello", idleSeconds);
      agent = measure(agentCommand(launcher, data), READY, idleSeconds);
      bareStart[i] = bare.startMillis;
      agentStart[i] = agent.startMillis;
    }
    List<BenchFigure> figures = new ArrayList<>();
    figures.add(new BenchFigure(name(), "agent cold start to ready", median(agentStart), "ms",
        "bare JVM start to hello", median(bareStart), false, OptionalDouble.of(4.0)));
    figures.add(new BenchFigure(name(), "agent resident memory, idle (target 96 MB)", agent.rssKb / 1024.0, "MB",
        "bare JVM resident memory, idle", bare.rssKb / 1024.0, false,
        OptionalDouble.of((double) RSS_TARGET_KB / bare.rssKb)));
    figures.add(new BenchFigure(name(), "agent CPU while idle " + idleSeconds + " s", agent.idleCpuMillis, "ms",
        "bare JVM CPU while idle", bare.idleCpuMillis, false, OptionalDouble.empty()));
    return figures;
  }

  private static List<String> agentCommand(Path launcher, Path data) {
    return List.of(launcher.toString(), "run", "--set", "dataDir=" + data, "--set", "bridge.port=0");
  }

  private List<String> bareCommand(int seconds) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(java, "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1", "-Xms8m", "-Xmx64m",
        "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData",
        "-cp", home.resolve("lib").toString() + "/*", Hello.class.getName(), Integer.toString(seconds));
  }

  /** Starts the command, waits for the ready line, lets it idle, reads RSS and CPU, and kills it. */
  private static Sample measure(List<String> command, String readyLine, int idleSeconds) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      boolean ready = false;
      StringBuilder seen = new StringBuilder();
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
      Thread drain = new Thread(() -> {
        try {
          out.lines().forEach(l -> { });
        } catch (java.io.UncheckedIOException closed) {
          // the process was stopped: nothing more to read
        }
      }, "bench-drain");
      drain.setDaemon(true);
      drain.start();
      long cpuBefore = cpuMillis(p.pid());
      // The idle window itself is what is measured: a process that polls uses CPU here.
      p.waitFor(idleSeconds, TimeUnit.SECONDS);
      long cpuAfter = cpuMillis(p.pid());
      return new Sample(startMillis, rssKb(p.pid()), cpuAfter - cpuBefore);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static long rssKb(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }

  /** utime + stime of the process, from /proc/PID/stat, in milliseconds (clock ticks assumed 100 Hz, Linux's). */
  private static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 10;
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private record Sample(double startMillis, long rssKb, long idleCpuMillis) {}
}
