package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.windows.eventlog.AgentEventId;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.eventlog.EventLogWriter;

/**
 * The renewal loop's events, as the daemon publishes them on the bus, become the documented Application-log events:
 * successes, failures with their diagnosis, and one warning when 7 days are left and one error when 1 day is left.
 */
class EventLogRelayTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private record Written(AgentEventId id, List<String> strings) {}

    private final List<Written> written = new ArrayList<>();
    private final EventLogRelay relay = new EventLogRelay(new AgentEvents(new EventLogWriter() {
        @Override
        public void report(AgentEventId event, List<String> strings) {
            written.add(new Written(event, List.copyOf(strings)));
        }

        @Override
        public boolean isLive() {
            return true;
        }

        @Override
        public long failures() {
            return 0;
        }

        @Override
        public void close() {}
    }));

    private void renewal(String kind, Instant at, String hresult, String cause) {
        JsonObject data = new JsonObject()
                .put("kind", kind)
                .put("family", "windows-client")
                .put("product", "Windows 10 Enterprise")
                .put("time", at.toString())
                .put("host", "kms01.corp.example:1688")
                .put("hresult", hresult);
        if (cause != null) {
            data.put("why", "no KMS host answered").put("diagnosis", new JsonObject().put("cause", cause));
        }
        relay.on(
                new JsonObject().put("type", "renewal").put("at", at.toString()).put("data", data));
    }

    private List<AgentEventId> ids() {
        return written.stream().map(Written::id).toList();
    }

    @Test
    void activationsAndFailuresAreWrittenWithTheirCodeAndCause() {
        renewal("ACTIVATION_FAILED", T0, "0xC004F038 SL_E_VL_NOT_ENOUGH_COUNT", "COUNT_BELOW_THRESHOLD");
        renewal("ACTIVATED", T0.plus(Duration.ofHours(2)), "0x00000000", null);

        assertThat(ids()).containsExactly(AgentEventId.ACTIVATION_FAILED, AgentEventId.ACTIVATION_SUCCEEDED);
        assertThat(written.get(0).strings()).contains("Windows 10 Enterprise", "0xC004F038", "COUNT_BELOW_THRESHOLD");
        assertThat(written.get(1).strings()).contains("kms01.corp.example:1688", "2026-06-30T02:00:00Z");
    }

    @Test
    void failedRenewalsWarnOnceSevenDaysAndOnceOneDayBeforeTheActivationLapses() {
        renewal("ACTIVATED", T0, "0x00000000", null);
        Instant lapse = T0.plus(Duration.ofDays(180));
        for (Instant t = T0.plus(Duration.ofDays(7)); t.isBefore(lapse); t = t.plus(Duration.ofHours(2))) {
            renewal("RENEWAL_FAILED", t, "0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE", "HOST_UNREACHABLE");
        }
        renewal("EXPIRED", lapse, null, null);

        assertThat(ids().stream().filter(id -> id == AgentEventId.LAPSE_AHEAD_7_DAYS))
                .hasSize(1);
        assertThat(ids().stream().filter(id -> id == AgentEventId.LAPSE_AHEAD_1_DAY))
                .hasSize(1);
        assertThat(ids().indexOf(AgentEventId.LAPSE_AHEAD_7_DAYS))
                .isLessThan(ids().indexOf(AgentEventId.LAPSE_AHEAD_1_DAY));
        assertThat(ids().get(ids().size() - 1)).isEqualTo(AgentEventId.LICENSE_EXPIRED);
        Written sevenDays = written.get(ids().indexOf(AgentEventId.LAPSE_AHEAD_7_DAYS));
        assertThat(sevenDays.strings()).contains("2026-06-30T00:00:00Z");
        assertThat(String.join(" ", sevenDays.strings())).contains("0xC004F074");
    }
}
