package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.spi.merge.MergingValue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.impl.ConversionUtils;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which copy of a fleet-map entry survives the merge after a split (FleetSplitBrainIT runs it in a real cluster). */
class FleetMergePolicyTest {
    private final FleetMergePolicy policy = new FleetMergePolicy();

    @Test
    void theRecordThatAcknowledgedMoreEventsIsKeptWhicheverSideMerges() {
        JsonObject older = record(40, Instant.parse("2026-12-01T10:00:05Z"));
        JsonObject newer = record(41, Instant.parse("2026-12-01T10:00:01Z"));

        assertThat(merged(newer, older)).isEqualTo(newer);
        assertThat(merged(older, newer)).isEqualTo(newer);
    }

    @Test
    void withAsManyEventsTheRecordHeardFromLaterIsKept() {
        JsonObject earlier = record(40, Instant.parse("2026-12-01T10:00:00Z"));
        JsonObject later = record(40, Instant.parse("2026-12-01T10:00:00.250Z"));

        assertThat(merged(later, earlier)).isEqualTo(later);
        assertThat(merged(earlier, later)).isEqualTo(later);
    }

    @Test
    void aRecordFromAnEarlierHubIsJudgedByItsTextTime() {
        JsonObject textOnly = new JsonObject().put("lastSeq", 40L).put("lastSeen", "2026-12-01T10:00:09Z");
        JsonObject both = record(40, Instant.parse("2026-12-01T10:00:03Z"));

        assertThat(merged(textOnly, both)).isEqualTo(textOnly);
        assertThat(merged(both, textOnly)).isEqualTo(textOnly);
    }

    @Test
    void theLongerPieceOfHistoryIsKept() {
        JsonArray three = events(3);
        JsonArray five = events(5);

        assertThat(merged(five, three)).isEqualTo(five);
        assertThat(merged(three, five)).isEqualTo(five);
    }

    @Test
    void theNewerCredentialIsKeptSoThatARevocationMadeOnOneSideHolds() {
        JsonObject enrolled =
                new JsonObject().put("sha256", "ab").put("revoked", false).put("at", "2026-12-01T10:00:00Z");
        JsonObject revoked = new JsonObject().put("revoked", true).put("at", "2026-12-01T10:05:00Z");

        assertThat(merged(revoked, enrolled)).isEqualTo(revoked);
        assertThat(merged(enrolled, revoked)).isEqualTo(revoked);
    }

    @Test
    void thePresenceEntryHeardFromLaterIsKeptWhicheverSideMerges() {
        JsonObject registered = AgentRecords.presence(record(40, Instant.parse("2026-12-01T10:00:00Z")));
        // Kept as JSON text, as the hubs keep presence entries.
        String earlier = registered.encode();
        String later = AgentRecords.heartbeat(registered, Instant.parse("2026-12-01T10:00:30Z"))
                .encode();

        assertThat(merged(later, earlier)).isEqualTo(later);
        assertThat(merged(earlier, later)).isEqualTo(later);
        assertThat(merged("not json", earlier)).isEqualTo(earlier);
    }

    @Test
    void onATieOrAnUnknownShapeTheCopyInTheClusterStays() {
        JsonObject a = record(7, Instant.parse("2026-12-01T10:00:00Z")).put("hub", "a");
        JsonObject b = record(7, Instant.parse("2026-12-01T10:00:00Z")).put("hub", "b");
        assertThat(merged(a, b)).isEqualTo(b);

        JsonObject other = new JsonObject().put("x", 1);
        assertThat(merged(other, new JsonObject().put("x", 2))).isEqualTo(new JsonObject().put("x", 2));
        assertThat(merged(events(9), new JsonObject().put("x", 2))).isEqualTo(new JsonObject().put("x", 2));
    }

    @Test
    void anEntryOnlyTheMergingSideHasIsKept() {
        JsonObject only = record(3, Instant.parse("2026-12-01T10:00:00Z"));

        assertThat(new ConversionUtils().<Object>convertReturn(policy.merge(held(only), null)))
                .isEqualTo(only);
    }

    /** What the cluster holds after merging {@code merging} into {@code existing}, both as Vert.x stores them. */
    private Object merged(Object merging, Object existing) {
        return new ConversionUtils().convertReturn(policy.merge(held(merging), held(existing)));
    }

    /** A value as Vert.x's cluster map puts it into Hazelcast (its JSON in Vert.x's holder). */
    private static MergingValue<Object> held(Object json) {
        Object stored = new ConversionUtils().convertParam(json);
        return new MergingValue<>() {
            @Override
            public Object getValue() {
                return stored;
            }

            @Override
            public Object getRawValue() {
                return stored;
            }
        };
    }

    private static JsonObject record(long lastSeq, Instant lastSeen) {
        return new JsonObject()
                .put("agentId", "pc-1")
                .put("lastSeq", lastSeq)
                .put("lastSeen", lastSeen.toString())
                .put("lastSeenMs", lastSeen.toEpochMilli());
    }

    private static JsonArray events(int n) {
        JsonArray a = new JsonArray();
        for (int i = 1; i <= n; i++) {
            a.add(new JsonObject().put("seq", i));
        }
        return a;
    }
}
