package org.kmsagent.agent.link;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.audit.AuditRecord;
import org.kmsagent.agent.bus.audit.AuditTargets;
import org.kmsagent.agent.bus.audit.AuditTrail;

/**
 * Changes a hub routes to this agent are admin actions on it too, though they do not come through its bridge: each
 * is recorded with the hub's client that asked at the hub it asked ({@code ops@hub:hub-b}, as that hub's own record
 * names itself), the hub it came through as the source. Queries are not recorded (docs/audit.md).
 */
final class AuditedCommands implements CommandHandler {
    private final CommandHandler inner;
    private final AuditTrail trail;
    private final Supplier<String> hub;

    /**
     * @param hub the hub this agent is registered with now ({@code host:port}), or null
     */
    AuditedCommands(CommandHandler inner, AuditTrail trail, Supplier<String> hub) {
        this.inner = inner;
        this.trail = trail;
        this.hub = hub;
    }

    @Override
    public Future<JsonObject> handle(String address, JsonObject body, Asker asker) {
        Future<JsonObject> result = inner.handle(address, body);
        if (!BusAddresses.CHANGES.contains(address)) {
            return result;
        }
        String at = hub.get() == null ? "?" : hub.get();
        // The asking hub's name as that hub records it: relayed by another hub, the change still names where it was
        // asked. A hub that sent no name is named by the address this agent reached it at.
        String askedAt = asker == null || asker.hub() == null ? at : shown(asker.hub());
        String actor = (asker == null || asker.client() == null ? "" : shown(asker.client()) + "@") + "hub:" + askedAt;
        String source = at.lastIndexOf(':') > 0 ? at.substring(0, at.lastIndexOf(':')) : at;
        return result.andThen(ar -> {
            String outcome = AuditRecord.OK;
            String reason = null;
            Integer code = null;
            if (ar.failed()) {
                outcome = AuditRecord.FAILED;
                reason = ar.cause().getMessage();
                code = ar.cause() instanceof ReplyException re ? re.failureCode() : BusCodes.INTERNAL;
            } else if (AuditRecord.failedProducts(ar.result()) != null) {
                outcome = AuditRecord.FAILED;
                reason = AuditRecord.failedProducts(ar.result());
            }
            trail.record(
                    new AuditRecord(null, actor, null, source, address, AuditTargets.of(body), outcome, reason, code));
        });
    }

    @Override
    public Future<JsonObject> handle(String address, JsonObject body) {
        return handle(address, body, null);
    }

    /** A name the hub sent, bounded and printable as any audited value. */
    private static String shown(String name) {
        return AuditTargets.of(new JsonObject().put("n", name)).getString("n");
    }
}
