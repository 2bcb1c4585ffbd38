package org.kmsagent.agent.daemon;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.audit.AuditApi;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.link.FleetAgent;

/**
 * The agent's audit: its log ({@code <dataDir>/audit.log}), the address {@code ctl audit} reads it through, and,
 * with {@code fleet.hubs} set, the forwarding of every record to the hubs (docs/audit.md).
 */
final class AgentAudit implements AutoCloseable {
  private final AuditLog log;
  private final AuditApi api;

  private AgentAudit(AuditLog log, AuditApi api) {
    this.log = log;
    this.api = api;
  }

  /** Opens the log and serves it on the bus. */
  static AgentAudit start(Vertx vertx, Path dataDir, Clock clock) throws Exception {
    AuditLog log = AuditLog.in(dataDir, clock);
    AuditApi api = new AuditApi(vertx, log);
    try {
      api.register().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.close();
      throw e;
    }
    return new AgentAudit(log, api);
  }

  /** Where the bridge and the link record. */
  AuditLog log() {
    return log;
  }

  /** Sends every record from now on to the hubs, through the fleet outbox. */
  void forwardTo(FleetAgent fleet) {
    log.onRecorded(fleet::forward);
  }

  @Override
  public void close() {
    try {
      api.unregister().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Vert.x is closing anyway; the log below is what matters.
    }
    log.close();
  }
}
