package org.kmsagent.agent.bus.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;

/**
 * Serves {@link BusAddresses#AUDIT} on an agent: {@code {since?, limit?}} → {@code {records: [...], skipped}}, oldest
 * first. Over the bridge only an {@code admin} token reaches it ({@code bus.bridge.AuditRoutes}), and the bridge
 * records that read like any admin action.
 */
public final class AuditApi {
    /**
     * The answer, code 503, when the agent's log could not be opened: said in words, where no consumer at all gave
     * Vert.x's "No handlers for address kmsagent.audit". It names no path: the banner, which the client may not see
     * but the operator does, names the file and why.
     */
    public static final String DISABLED = "the agent's audit log is disabled: it could not be opened at start (the"
            + " agent's start-up banner names the file and why, on its 'kms-agent: audit log disabled' line); its"
            + " records go to the agent's own log as WARN lines until the file is fixed and the agent restarted";

    private final Vertx vertx;
    private final AuditLog log;
    private MessageConsumer<Object> consumer;

    /** Serves {@code log}; null: answers every read 503, {@link #DISABLED}. */
    public AuditApi(Vertx vertx, AuditLog log) {
        this.vertx = vertx;
        this.log = log;
    }

    /** Registers the address. */
    public Future<Void> register() {
        consumer = vertx.eventBus().consumer(BusAddresses.AUDIT, msg -> {
            if (log == null) {
                msg.fail(BusCodes.UNAVAILABLE, DISABLED);
                return;
            }
            AuditQuery query;
            try {
                query = AuditQuery.of(RequestBody.of(msg.body(), AuditQuery.FIELDS));
            } catch (ControlException e) {
                msg.fail(e.code(), e.getMessage());
                return;
            }
            Future.fromCompletionStage(log.read(query.since(), query.limit()), vertx.getOrCreateContext())
                    .onSuccess(page -> msg.reply(reply(page)))
                    .onFailure(t -> msg.fail(BusCodes.INTERNAL, "cannot read the audit log: " + t.getMessage()));
        });
        return consumer.completion();
    }

    /** A page as the reply object. */
    public static JsonObject reply(AuditLog.Page page) {
        JsonArray records = new JsonArray();
        page.records().forEach(r -> records.add(r.toJson()));
        return new JsonObject().put("records", records).put("skipped", page.skipped());
    }

    /** Unregisters the address. */
    public Future<Void> unregister() {
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }
}
