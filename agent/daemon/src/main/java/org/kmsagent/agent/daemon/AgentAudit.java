package org.kmsagent.agent.daemon;

import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.audit.AuditApi;
import org.kmsagent.agent.bus.audit.AuditLog;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.link.FleetAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's audit: its log ({@code <dataDir>/audit.log}), the address {@code ctl audit} reads it through, and,
 * with {@code fleet.hubs} set, the forwarding of every record to the hubs (docs/audit.md). A log that cannot be
 * opened does not stop the agent (renewing its products matters more): the records then go to the agent's own log as
 * {@code WARN} lines, the banner says so, and {@code ctl audit} is answered 503 saying so ({@link AuditApi#DISABLED}).
 */
final class AgentAudit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentAudit.class);

    private final AuditLog log;
    private final AuditApi api;
    private final String problem;
    private final Clock clock;

    private AgentAudit(AuditLog log, AuditApi api, String problem, Clock clock) {
        this.log = log;
        this.api = api;
        this.problem = problem;
        this.clock = clock;
    }

    /** Opens the log and serves it on the bus. */
    static AgentAudit start(Vertx vertx, Path dataDir, Clock clock) throws Exception {
        AuditLog log = null;
        String why = null;
        try {
            log = AuditLog.in(dataDir, clock);
        } catch (UncheckedIOException e) {
            why = "kms-agent: audit log disabled: " + e.getMessage()
                    + "; admin actions are written to the agent's log instead";
            LOG.error("{}", why);
        }
        // Registered either way: without a log it answers 503 saying so (AuditApi.DISABLED), not Vert.x's "No
        // handlers for address kmsagent.audit".
        AuditApi api = new AuditApi(vertx, log);
        try {
            api.register().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (log != null) {
                log.close();
            }
            throw e;
        }
        return new AgentAudit(log, api, why, clock);
    }

    /** Where the bridge and the link record. */
    AuditTrail trail() {
        if (log != null) {
            return log;
        }
        // Callers leave the time to the trail (AuditTrail.record): the log stamps it, and so must this stand-in, or
        // the only copy of the record says "at":null.
        return r -> LOG.warn(
                "audit: {}",
                (r.at() == null ? r.at(AuditLog.stamp(clock)) : r).toJson().encode());
    }

    /** Why the log is off, for the banner; empty when it works. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** The file, or null when it could not be opened. */
    Path file() {
        return log == null ? null : log.file();
    }

    /** Sends every record from now on to the hubs, through the fleet outbox. */
    void forwardTo(FleetAgent fleet) {
        if (log != null) {
            log.onRecorded(fleet::forward);
        }
    }

    @Override
    public void close() {
        try {
            api.unregister().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Vert.x is closing anyway; the log below is what matters.
        }
        if (log != null) {
            log.close();
        }
    }
}
