package org.kmsagent.agent.hub;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.impl.DataSerializableHolder;

/**
 * Which copy of a fleet-map entry a hub cluster keeps when two sides of a split merge again (docs/fleet.md, "Failure
 * modes"). Each side went on alone and acknowledged its own agents' events, which the agents then dropped from
 * their outboxes, so the copy that holds more is the one to keep, judged by what the entries say:
 *
 * <ul>
 *   <li>an agent's record: the one that has acknowledged more ({@link AgentRecords#fresher});
 *   <li>an agent's presence entry ({@link AgentRecords#presence}): the one heard from later;
 *   <li>a piece of an agent's history or audit ({@link Pieces}): the longer, as pieces only grow between the writes
 *       their record counts;
 *   <li>an agent's credential: the newer, as the credentials map judges them everywhere
 *       ({@link AgentCredentials#newer}).
 * </ul>
 *
 * On a tie, or for an entry of another shape, the copy already in the cluster stays (Hazelcast's default). Hazelcast's
 * own {@code LatestUpdateMergePolicy}, used before, compares update times taken from each member's clock (in whole
 * seconds), so hubs whose clocks disagree could keep the older copy: with one hub's clock two minutes ahead it lost a
 * write in 1 of 5 runs of {@code FleetSplitBrainIT}. It also needs Hazelcast's per-entry statistics.
 *
 * <p>Hazelcast makes this policy by its class name on every member, and sends it with merge operations: hence the
 * public constructor and the (empty) serialized form.
 */
public final class FleetMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

    public FleetMergePolicy() {}

    @Override
    public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        return keepsMerging(decoded(merging.getValue()), decoded(existing.getValue()))
                ? merging.getRawValue()
                : existing.getRawValue();
    }

    /** Whether the merging side's copy is to replace the one in the cluster. */
    static boolean keepsMerging(Object merging, Object existing) {
        if (merging instanceof JsonObject m && existing instanceof JsonObject e) {
            if (m.containsKey("lastSeq") && e.containsKey("lastSeq")) {
                return AgentRecords.fresher(m, e);
            }
            if (m.containsKey("at") && e.containsKey("at")) {
                return AgentCredentials.newer(m, e);
            }
            if (m.containsKey("lastSeenMs") && e.containsKey("lastSeenMs")) {
                return AgentRecords.heardLater(m, e);
            }
            return false;
        }
        if (merging instanceof JsonArray m && existing instanceof JsonArray e) {
            return m.size() > e.size();
        }
        return false;
    }

    /**
     * Vert.x keeps its JSON values in a Hazelcast map wrapped in a holder of its own (its cluster-serialized form);
     * the values the fleet maps hold are all JSON, the presence entries as text.
     */
    private static Object decoded(Object value) {
        if (value instanceof String text) {
            // A presence entry is kept as JSON text (FleetMaps); any other text is of no shape known here.
            try {
                return new JsonObject(text);
            } catch (DecodeException notJson) {
                return value;
            }
        }
        return value instanceof DataSerializableHolder h ? h.clusterSerializable() : value;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // Stateless: nothing to write.
    }

    @Override
    public void readData(ObjectDataInput in) {
        // Stateless: nothing to read.
    }
}
