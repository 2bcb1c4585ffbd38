package org.kmsagent.agent.bus.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.kmsagent.agent.bus.ActionResults;
import org.kmsagent.api.ProductKey;

/**
 * One admin action or refusal: who (the token's name, a client certificate's subject, or
 * {@code dashboard:<token name>}), from where, what (the bus address and its target, product keys masked), when, and
 * how it ended. One line of {@code audit.log} as JSON; the same object travels to the hubs. See {@code docs/audit.md}.
 *
 * @param at when the request was answered (or refused); null until the log stamps it
 * @param actor the token's name; for a request that presented no known token, the certificate subject if the client
 *     sent one, else {@code (no token)} or {@code (unknown token)}
 * @param subject the client certificate's subject, when the client presented one (mutual TLS), else null
 * @param source the client's IP address
 * @param action the bus address (or dashboard action) asked for
 * @param target what it was aimed at: the request's family, product, agent, endpoint, plugin; keys masked
 * @param result {@link #OK}, {@link #REFUSED} or {@link #FAILED}
 * @param reason why it was refused or failed, else null
 * @param code the failure code ({@code BusCodes} / HTTP status) of a refusal or failure, else null
 */
public record AuditRecord(
        Instant at,
        String actor,
        String subject,
        String source,
        String action,
        JsonObject target,
        String result,
        String reason,
        Integer code) {

    /** The action was carried out. */
    public static final String OK = "ok";
    /** Authentication or authorisation refused the request; nothing was done. */
    public static final String REFUSED = "refused";
    /** The action was allowed but answered with an error (or failed on some product, or matched none). */
    public static final String FAILED = "failed";

    public AuditRecord {
        target = target == null ? new JsonObject() : target;
        // The action (a client's address) and the reason (an answer quoting the request, "no loaded family 'X'") may
        // hold a product key typed in the wrong place: masked as the target's fields are (AuditTargets).
        action = ProductKey.maskKeysIn(action);
        reason = ProductKey.maskKeysIn(reason);
    }

    /**
     * Why a successful reply still counts as failed: an action on products (activate, install-gvlk) failed on some or
     * matched none ({@link ActionResults#failure}, the rule ctl's exit code follows too), or a routed change ({@code
     * fleet route.change}) failed on some agents or went unanswered. Null when nothing did.
     */
    public static String failedProducts(Object reply) {
        if (!(reply instanceof JsonObject o)) {
            return null;
        }
        if (o.getValue("results") instanceof JsonArray) {
            return ActionResults.failure(o);
        }
        if (o.getValue("answered") instanceof JsonArray answered) {
            long failed = failed(answered);
            int silent = o.getValue("notAnswered") instanceof JsonArray n ? n.size() : 0;
            if (failed == 0 && silent == 0) {
                return null;
            }
            return (failed > 0 ? failed + " agent(s) failed" : "")
                    + (failed > 0 && silent > 0 ? ", " : "")
                    + (silent > 0
                            ? silent + " agent(s) did not answer (each agent's own record says whether it made the"
                                    + " change)"
                            : "");
        }
        return null;
    }

    /**
     * Agents whose answer is a failure: refused, or an action that failed on some product or matched none
     * ({@link ActionResults#failure}), as ctl counts a routed action's exit code from each agent's reply.
     */
    private static long failed(JsonArray items) {
        return items.stream()
                .filter(r -> r instanceof JsonObject j
                        && (!j.getBoolean("ok", true) || ActionResults.failure(j.getValue("reply")) != null))
                .count();
    }

    /** The same record at a time. */
    public AuditRecord at(Instant when) {
        return new AuditRecord(when, actor, subject, source, action, target, result, reason, code);
    }

    /** The JSON object written as one line and forwarded to hubs (absent fields left out). */
    public JsonObject toJson() {
        JsonObject o =
                new JsonObject().put("at", at == null ? null : at.toString()).put("actor", actor);
        if (subject != null) {
            o.put("subject", subject);
        }
        o.put("source", source).put("action", action).put("target", target).put("result", result);
        if (reason != null) {
            o.put("reason", reason);
        }
        if (code != null) {
            o.put("code", code);
        }
        return o;
    }

    /**
     * A record read back from its JSON form.
     *
     * @throws IllegalArgumentException it is no audit record (a damaged line)
     */
    public static AuditRecord fromJson(JsonObject o) {
        try {
            String actor = o.getString("actor");
            String action = o.getString("action");
            String result = o.getString("result");
            if (actor == null || action == null || result == null || o.getString("at") == null) {
                throw new IllegalArgumentException("at, actor, action and result are required");
            }
            Object code = o.getValue("code");
            return new AuditRecord(
                    Instant.parse(o.getString("at")),
                    actor,
                    o.getString("subject"),
                    o.getString("source"),
                    action,
                    o.getJsonObject("target"),
                    result,
                    o.getString("reason"),
                    code instanceof Number n ? n.intValue() : null);
        } catch (ClassCastException | DateTimeParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
