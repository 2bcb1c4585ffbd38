package org.kmsagent.agent.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The one rule for whether an action on products ({@code kmsagent.activate}, {@code kmsagent.install-gvlk}, whose
 * replies are {@code {"results": [Result]}}) failed: when it failed on some product, or matched none. A request for
 * {@code --family windows-server} on a client did nothing, and whoever asked (ctl's exit code, the audit record's
 * result) must not read "done". {@code docs/event-bus.md} and {@code docs/audit.md} cite it.
 */
public final class ActionResults {
    private ActionResults() {}

    /** The reason an action that matched no product failed: ctl's message and the audit record's reason begin so. */
    public static final String NO_PRODUCT_MATCHED = "no product matched";

    /**
     * Why an action's reply counts as failed ({@code no product matched}, {@code 1 of 2 product(s) failed}), or null
     * when it does not: every product it matched succeeded, or the reply is not an action's (it holds no {@code
     * results}).
     */
    public static String failure(Object reply) {
        if (!(reply instanceof JsonObject o) || !(o.getValue("results") instanceof JsonArray results)) {
            return null;
        }
        if (results.isEmpty()) {
            return NO_PRODUCT_MATCHED;
        }
        long failed = results.stream()
                .filter(r -> !(r instanceof JsonObject j) || !j.getBoolean("ok", false))
                .count();
        return failed == 0 ? null : failed + " of " + results.size() + " product(s) failed";
    }
}
