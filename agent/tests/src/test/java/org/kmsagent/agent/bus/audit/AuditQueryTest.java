package org.kmsagent.agent.bus.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;

/** The audit's request ({@code kmsagent.audit}, a hub's fleet audit) is refused in the words of every bus field. */
class AuditQueryTest {
    /** The query an agent's audit address reads from this body. */
    private static AuditQuery query(JsonObject body) {
        return AuditQuery.of(RequestBody.of(body, AuditQuery.FIELDS));
    }

    @Test
    void aLimitOutOfRangeHoweverLargeIsRefusedAsEveryBusFieldIs() {
        assertThatThrownBy(() -> query(new JsonObject().put("limit", 99_999_999_999L)))
                .isInstanceOfSatisfying(
                        ControlException.class, e -> assertThat(e.code()).isEqualTo(BusCodes.BAD_REQUEST))
                .hasMessage("limit: expected a whole number 1-10000, got 99999999999");
        assertThatThrownBy(() -> query(new JsonObject().put("limit", 0)))
                .hasMessage("limit: expected a whole number 1-10000, got 0");
        assertThatThrownBy(() -> query(new JsonObject().put("limit", "100")))
                .hasMessage("limit: expected a whole number 1-10000, got \"100\" (text)");
    }

    @Test
    void aHugeLimitIsQuotedBackShortened() {
        BigInteger huge = BigInteger.TEN.pow(500);
        assertThatThrownBy(() -> query(new JsonObject().put("limit", huge)))
                .hasMessageStartingWith("limit: expected a whole number 1-10000, got 1000")
                .hasMessageContaining("501 characters")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void aSinceThatIsNoTimeIsRefusedNamingTheField() {
        assertThatThrownBy(() -> query(new JsonObject().put("since", "yesterday")))
                .isInstanceOf(ControlException.class)
                .hasMessage("since: expected an ISO-8601 time, e.g. 2026-11-28T12:00:00Z, got \"yesterday\" (text)");
    }

    @Test
    void aGoodRequestIsRead() {
        AuditQuery q =
                query(new JsonObject().put("since", "2026-11-28T12:00:00Z").put("limit", 10_000));
        assertThat(q.since()).isEqualTo(Instant.parse("2026-11-28T12:00:00Z"));
        assertThat(q.limit()).isEqualTo(10_000);
        assertThat(query(new JsonObject()).limit()).isEqualTo(AuditQuery.DEFAULT_LIMIT);
    }
}
