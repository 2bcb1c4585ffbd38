package org.kmsagent.agent.hub;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.kmsagent.agent.core.BoundedInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the fleet's records one at a time for a view: a record that cannot be read (what an agent of another build,
 * or a damaged one, reported in a shape the view does not expect) is left out of that view and named in the hub's
 * log, and the view answers with every other agent. One agent's report never fails a view for every operator.
 */
final class RecordReading {
    private static final Logger LOG = LoggerFactory.getLogger(RecordReading.class);

    private RecordReading() {}

    /** {@code read} of each record, in order, handed to {@code out}; a record {@code read} fails on is skipped. */
    static <T> void each(List<JsonObject> records, String view, Function<JsonObject, T> read, Consumer<T> out) {
        for (JsonObject r : records) {
            T value;
            try {
                value = read.apply(r);
            } catch (RuntimeException e) {
                LOG.warn(
                        "fleet: agent {} left out of {}: its record cannot be read ({})",
                        BoundedInput.printable(r.getString("agentId")),
                        view,
                        BoundedInput.printable(String.valueOf(e)));
                continue;
            }
            out.accept(value);
        }
    }
}
