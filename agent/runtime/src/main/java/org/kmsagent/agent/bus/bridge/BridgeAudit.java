package org.kmsagent.agent.bus.bridge;

import io.vertx.core.AsyncResult;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.net.NetSocket;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.audit.AuditRecord;
import org.kmsagent.agent.bus.audit.AuditTargets;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.core.BoundedInput;

/**
 * One connection's audit records: who (the token's name; the client certificate's subject when mutual TLS gave one),
 * from which address, what and how it ended. Called on the connection's event loop only.
 */
final class BridgeAudit {
    private final AuditTrail trail;
    private final NetSocket socket;
    private String subject;
    private boolean subjectRead;

    BridgeAudit(AuditTrail trail, NetSocket socket) {
        this.trail = trail;
        this.socket = socket;
    }

    /**
     * A request refused by authentication or authorisation.
     *
     * @param actor the token's name, or null when no known token was presented
     */
    void refused(String actor, String address, Object body, int code, String why) {
        if (trail == AuditTrail.NONE) {
            return;
        }
        String subj = subject();
        String who =
                actor != null ? actor : subj != null ? subj : why.equals("no token") ? "(no token)" : "(unknown token)";
        trail.record(new AuditRecord(
                null,
                who,
                subj,
                source(),
                BoundedInput.printable(address),
                AuditTargets.of(body),
                AuditRecord.REFUSED,
                why,
                code));
    }

    /**
     * A request the bridge let through (an admin one, or one refused behind the bridge), with its reply (null for a send that wants none). A reply whose
     * {@code results} hold a failed product counts as failed.
     */
    void done(String actor, String address, Object body, AsyncResult<Message<Object>> reply) {
        if (trail == AuditTrail.NONE) {
            return;
        }
        String result = AuditRecord.OK;
        String reason = null;
        Integer code = null;
        if (reply != null && reply.failed()) {
            result = refusal(reply) ? AuditRecord.REFUSED : AuditRecord.FAILED;
            reason = BoundedInput.printable(reply.cause().getMessage());
            code = reply.cause() instanceof ReplyException re
                    ? switch (re.failureType()) {
                        case TIMEOUT -> BusCodes.TIMEOUT;
                        case NO_HANDLERS -> BusCodes.UNAVAILABLE;
                        default -> re.failureCode();
                    }
                    : BusCodes.INTERNAL;
        } else if (reply != null && AuditRecord.failedProducts(reply.result().body()) != null) {
            result = AuditRecord.FAILED;
            reason = AuditRecord.failedProducts(reply.result().body());
        }
        trail.record(new AuditRecord(
                null, actor, subject(), source(), address, AuditTargets.of(body), result, reason, code));
    }

    /**
     * Whether the component behind an address refused the client itself (401/403: e.g. a hub refusing an agent's
     * credential that speaks for another agent); such refusals are recorded whatever the address.
     */
    static boolean refusal(AsyncResult<Message<Object>> reply) {
        return reply.failed()
                && reply.cause() instanceof ReplyException re
                && (re.failureCode() == BusCodes.UNAUTHORIZED || re.failureCode() == BusCodes.FORBIDDEN);
    }

    private String source() {
        return socket.remoteAddress() == null ? "?" : socket.remoteAddress().hostAddress();
    }

    /** The client certificate's subject, when the client presented one. */
    private String subject() {
        if (!subjectRead) {
            subjectRead = true;
            try {
                SSLSession session = socket.sslSession();
                subject = session == null ? null : session.getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException | RuntimeException e) {
                subject = null;
            }
        }
        return subject;
    }
}
