package org.kmsagent.agent.live;

import org.kmsagent.agent.daemon.AgentDaemon;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;

/**
 * The entry points Apache procrun calls when kms-agent runs as a Windows service ({@code --StartMode=jvm}): procrun
 * calls {@link #start} on one thread, which must block while the service runs, and {@link #stop} on another when the
 * Service Control Manager stops it. The daemon is the same as {@code kms-agent run}'s; see docs/windows.md.
 */
public final class WindowsService {
  private static final CountDownLatch STOP = new CountDownLatch(1);

  private WindowsService() {}

  /** Starts the daemon with the configuration in {@code args[0]} (or KMSAGENT_CONFIG, or defaults) and waits. */
  public static void start(String[] args) throws Exception {
    Optional<Path> file = args.length > 0 ? Optional.of(Path.of(args[0]))
        : Optional.ofNullable(System.getenv("KMSAGENT_CONFIG")).map(Path::of);
    AgentConfig config = new ConfigLoader(System.getenv()).load(file, List.of());
    try (AgentDaemon daemon = AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC())) {
      daemon.banner().forEach(System.out::println);
      System.out.flush();
      STOP.await();
      System.out.println("kms-agent: stopping");
    }
    System.out.println("kms-agent: stopped");
    System.out.flush();
  }

  /** Asks the running daemon to stop; {@link #start} then closes it and returns. */
  public static void stop(String[] args) {
    STOP.countDown();
  }
}
