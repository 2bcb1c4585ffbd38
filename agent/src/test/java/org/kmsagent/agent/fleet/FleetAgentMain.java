package org.kmsagent.agent.fleet;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;

/**
 * A test agent in its own process, so that a test can kill it as a machine dies: {@code agentId hubs(comma)
 * token fingerprint dataDir}. Prints {@code started} once it is dialling out.
 */
public final class FleetAgentMain {
  private FleetAgentMain() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    FleetLink link = TestAgent.link(vertx, args[0], List.of(args[1].split(",")), args[2], args[3], null,
        Path.of(args[4]), 1_000);
    link.start();
    System.out.println("started");
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
