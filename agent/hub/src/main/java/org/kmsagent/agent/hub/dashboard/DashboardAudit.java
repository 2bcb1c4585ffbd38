package org.kmsagent.agent.hub.dashboard;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.kmsagent.agent.bus.audit.AuditRecord;
import org.kmsagent.agent.bus.audit.AuditTrail;

/**
 * The dashboard's audit records: every POST (sign-in, sign-out, and any refused one) once its answer has gone out,
 * and every wrong Bearer token. The POST handlers only say who the caller turned out to be and why a request was
 * refused ({@link #actor}, {@link #refused}); what is recorded is decided here, from the answer's status.
 */
final class DashboardAudit {
    private static final String ACTOR = "kmsagent.audit.actor";
    private static final String REFUSED = "kmsagent.audit.refused";

    private final AuditTrail trail;

    DashboardAudit(AuditTrail trail) {
        this.trail = trail;
    }

    /** The first handler of every POST: records the request when its answer ends. */
    void track(RoutingContext rc) {
        rc.addEndHandler(v -> record(rc));
        rc.next();
    }

    /** Names the caller ({@code dashboard:<token name>}). */
    static void actor(RoutingContext rc, String tokenName) {
        rc.put(ACTOR, "dashboard:" + tokenName);
    }

    /** Says why a request was refused, when its status alone does not (a wrong token answers 303 to the form). */
    static void refused(RoutingContext rc, String why) {
        rc.put(REFUSED, why);
    }

    /** A wrong Bearer token on any request (GETs included). */
    void wrongBearer(RoutingContext rc) {
        trail.record(new AuditRecord(
                null,
                "(unknown token)",
                null,
                source(rc),
                action(rc),
                new JsonObject(),
                AuditRecord.REFUSED,
                "wrong Bearer token",
                401));
    }

    private void record(RoutingContext rc) {
        int status = rc.response().getStatusCode();
        String why = rc.get(REFUSED);
        String result = AuditRecord.OK;
        Integer code = null;
        if (why != null || status >= 400) {
            result = AuditRecord.REFUSED;
            code = status >= 400 ? status : 401;
            if (why == null) {
                why = switch (status) {
                    case 403 -> "cross-origin request";
                    case 429 -> "locked out after too many wrong tokens";
                    default -> "HTTP " + status;
                };
            }
        }
        String actor = rc.get(ACTOR);
        trail.record(new AuditRecord(
                null,
                actor != null ? actor : "(unknown token)",
                null,
                source(rc),
                action(rc),
                new JsonObject(),
                result,
                why,
                code));
    }

    private static String action(RoutingContext rc) {
        return "dashboard " + rc.request().method().name() + " "
                + DashboardServer.printablePath(rc.request().path());
    }

    private static String source(RoutingContext rc) {
        return rc.request().remoteAddress() == null
                ? "?"
                : rc.request().remoteAddress().hostAddress();
    }
}
