package org.kmsagent.agent.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.ctl.BridgeClient;
import org.kmsagent.agent.ctl.ServerTrust;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.HubServer;

/**
 * Fleet fan-out (issue 6): a hub in this process, N agents connected to it from one child process (each agent its own
 * TLS connection, outbox and registration). Measures the time for one {@code kmsagent.status} query routed to every
 * agent to complete, against the same query routed to one agent; and the hub's heap per connected agent, against
 * the heap per bare authenticated bridge connection. Heap is measured after full GCs, with the agents outside this
 * process so that only the hub's side counts. Targets: under 1 s and under 50 KB per agent with 1,000 agents.
 */
public final class FleetBenchmark implements Benchmark {
  private static final String AGENT_TOKEN = "bench-agent-token-0123";
  private static final String OPS_TOKEN = "bench-ops-token-012345";

  @Override
  public String name() {
    return "fleet";
  }

  @Override
  public List<BenchFigure> run(boolean quick) throws Exception {
    int agents = quick ? 50 : 1_000;
    int rounds = quick ? 3 : 7;
    Path dir = Files.createTempDirectory("kmsagent-fleet-bench");
    HubServer hub = startHub(dir, agents);
    try {
      String at = "127.0.0.1:" + hub.port();
      // Warm-up: the first connections initialise TLS, buffer pools and the bridge's classes once for all.
      try (Child warm = Child.start("idle", 10, at, hub.fingerprint(), dir.resolve("warm"))) {
        awaitConnections(hub, 10);
      }
      awaitConnections(hub, 0);
      long heapEmpty = heapAfterGc();
      long directEmpty = directMemory();
      double idleBytes;
      double idleDirect;
      try (Child idle = Child.start("idle", agents, at, hub.fingerprint(), dir.resolve("idle"))) {
        idleBytes = (heapAfterGc() - heapEmpty) / (double) agents;
        idleDirect = (directMemory() - directEmpty) / (double) agents;
      }
      awaitConnections(hub, 0);
      long heapBefore = heapAfterGc();
      long directBefore = directMemory();
      try (Child fleet = Child.start("fleet", agents, at, hub.fingerprint(), dir.resolve("agents"))) {
        double agentBytes = (heapAfterGc() - heapBefore) / (double) agents;
        double agentDirect = (directMemory() - directBefore) / (double) agents;
        ServerTrust trust = new ServerTrust.Pinned(hub.fingerprint());
        try (BridgeClient ctl = BridgeClient.connect("127.0.0.1", hub.port(), trust, OPS_TOKEN,
            Duration.ofSeconds(60))) {
          routed(ctl, null, agents); // warm-up: first publish, JIT
          routed(ctl, "a1", 1);
          double[] all = new double[rounds];
          double[] one = new double[rounds];
          for (int i = 0; i < rounds; i++) {
            all[i] = routed(ctl, null, agents);
            one[i] = routed(ctl, "a" + (1 + i % agents), 1);
          }
          return List.of(
              new BenchFigure(name(), "status fan-out to " + agents + " agents, median ms (target < 1000 ms)",
                  median(all), "ms", "same query routed to one agent", median(one), false,
                  OptionalDouble.empty()),
              new BenchFigure(name(), "hub heap per connected agent (target < 50 KB)", agentBytes / 1024, "KB",
                  "hub heap per bare authenticated TLS bridge connection", idleBytes / 1024, false,
                  OptionalDouble.empty()),
              new BenchFigure(name(), "hub direct (off-heap) buffer memory per connected agent",
                  agentDirect / 1024, "KB", "per bare authenticated TLS bridge connection", idleDirect / 1024, false,
                  OptionalDouble.empty()));
        }
      }
    } finally {
      hub.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static HubServer startHub(Path dir, int agents) throws Exception {
    int hz;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      hz = s.getLocalPort();
    }
    BridgeConfig bridge = new BridgeConfig(true, "127.0.0.1", 0, null, List.of(
        new TokenConfig("agents", AGENT_TOKEN, Role.READ), new TokenConfig("ops", OPS_TOKEN, Role.ADMIN)),
        Role.NONE, null, null, null, agents + 16, 120)
        .withLimits(null, agents + 16, null); // every simulated agent connects from loopback
    FleetConfig fleet = new FleetConfig(null, null, null, null, null, null, null, null,
        new FleetConfig.ClusterConfig("fleet-bench-" + UUID.randomUUID(), List.of("127.0.0.1:" + hz),
            List.of("127.0.0.1"), hz, "127.0.0.1"), true); // thousands of simulated agents share one token
    AgentConfig config = new AgentConfig(null, null, dir.resolve("hub").toString(), null, bridge, null, fleet);
    return HubServer.start(config, "bench-hub", Clock.systemUTC());
  }

  /** One routed status query; returns its wall time in ms, after checking every expected agent answered. */
  private static double routed(BridgeClient ctl, String target, int expected) throws Exception {
    JsonObject body = new JsonObject().put("address", BusAddresses.STATUS).put("deadlineMs", 30_000);
    if (target != null) {
      body.put("target", target);
    }
    long t0 = System.nanoTime();
    JsonObject report = ctl.request(FleetAddresses.ROUTE_QUERY, body);
    double ms = (System.nanoTime() - t0) / 1e6;
    int answered = report.getJsonArray("answered").size();
    if (answered != expected) {
      throw new IllegalStateException("fan-out: " + answered + " of " + expected + " agents answered; not answered: "
          + report.getJsonArray("notAnswered").size());
    }
    return ms;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /** Heap in use after full collections: the lowest of three, so a collection still finishing does not count. */
  private static long heapAfterGc() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  /**
   * Direct buffers in use: the JDK's (allocated with a cleaner) plus Netty's own count of the ones it allocates
   * without (-1 when it does not track them). Pools grow in chunks, so this is coarse for few agents.
   */
  private static long directMemory() {
    long jdk = ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed)
        .sum();
    return jdk + Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory());
  }

  private static void awaitConnections(HubServer hub, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (hub.connections() != count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the hub still has " + hub.connections() + " connections");
      }
      try {
        Thread.sleep(20); // the benchmark's own thread waiting for the hub to see closed sockets
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The agents' process. */
  private record Child(Process process) implements AutoCloseable {
    static Child start(String mode, int count, String hubAt, String fingerprint, Path dataDir) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
          "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
          "-cp", System.getProperty("java.class.path"), SimulatedAgents.class.getName(), mode,
          Integer.toString(count), "a", hubAt, AGENT_TOKEN, fingerprint, dataDir.toString()));
      Files.createDirectories(dataDir);
      Path log = dataDir.resolve("process.log");
      Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("ready")) {
        p.destroyForcibly();
        throw new IllegalStateException("the agents' process did not get ready (it said " + line + "): "
            + Files.readString(log));
      }
      return new Child(p);
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
