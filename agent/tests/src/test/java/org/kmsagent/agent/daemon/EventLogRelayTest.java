package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.daemon.RecordingEventLog.Written;
import org.kmsagent.agent.windows.eventlog.AgentEventId;
import org.kmsagent.agent.windows.eventlog.AgentEvents;

/**
 * The renewal loop's events, as the daemon publishes them on the bus (each followed by its product's state after the
 * run), become the documented Application-log events with every insertion string filled in: the key's last five,
 * the validity, the next attempt; one warning when 7 days are left and one error when 1 day is left, after a
 * restart too.
 */
class EventLogRelayTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String SKU = "ed655016-a9e8-4434-95d9-4345352c2552";
    private static final String UNREACHABLE = "0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE";

    private final RecordingEventLog log = new RecordingEventLog();
    private final List<Written> written = log.written();
    private final EventLogRelay relay = new EventLogRelay(new AgentEvents(log));

    /** A renewal event as ProductTracker publishes it; {@code validUntil} null when the product has none. */
    private void renewal(String kind, Instant at, String hresult, String cause, Instant validUntil) {
        JsonObject data = new JsonObject()
                .put("kind", kind)
                .put("family", "windows-client")
                .put("product", "Windows 10 Enterprise")
                .put("skuId", SKU)
                .put("partialKey", "T83GX")
                .put("time", at.toString())
                .put("host", "kms01.corp.example:1688")
                .put("hresult", hresult)
                .put("validUntil", validUntil == null ? null : validUntil.toString());
        if (cause != null) {
            data.put("why", "no KMS host answered").put("diagnosis", new JsonObject().put("cause", cause));
        }
        relay.on(
                new JsonObject().put("type", "renewal").put("at", at.toString()).put("data", data));
    }

    /** The product's state event that follows a run, naming its next attempt. */
    private void stateAfterRun(Instant nextAttempt) {
        relay.on(new JsonObject()
                .put("type", "state-changed")
                .put(
                        "data",
                        new JsonObject()
                                .put("family", "windows-client")
                                .put("product", "Windows 10 Enterprise")
                                .put("skuId", SKU)
                                .put("nextAttempt", nextAttempt.toString())));
    }

    private List<AgentEventId> ids() {
        return written.stream().map(Written::id).toList();
    }

    private Written only(AgentEventId id) {
        List<Written> of = written.stream().filter(w -> w.id() == id).toList();
        assertThat(of).hasSize(1);
        return of.get(0);
    }

    @Test
    void activationsAndFailuresNameTheKeysLastFiveTheCodeAndTheValidity() {
        renewal("ACTIVATION_FAILED", T0, "0xC004F038 SL_E_VL_NOT_ENOUGH_COUNT", "COUNT_BELOW_THRESHOLD", null);
        Instant activated = T0.plus(Duration.ofHours(2));
        renewal("ACTIVATED", activated, "0x00000000", null, activated.plus(Duration.ofDays(180)));

        assertThat(ids()).containsExactly(AgentEventId.ACTIVATION_FAILED, AgentEventId.ACTIVATION_SUCCEEDED);
        assertThat(written.get(0).strings())
                .containsExactly(
                        "Windows 10 Enterprise",
                        "T83GX",
                        "0xC004F038",
                        "COUNT_BELOW_THRESHOLD",
                        "no KMS host answered");
        assertThat(written.get(1).strings())
                .containsExactly("Windows 10 Enterprise", "T83GX", "kms01.corp.example:1688", "2026-06-30T02:00:00Z");
    }

    @Test
    void aFailedRenewalNamesItsValidityAndTheNextAttemptTheLoopSetAfterIt() {
        Instant validUntil = T0.plus(Duration.ofDays(100));
        // No success seen by this process (the agent restarted): the validity comes with the event.
        renewal("RENEWAL_FAILED", T0, UNREACHABLE, "HOST_UNREACHABLE", validUntil);
        assertThat(written)
                .as("written once the run's state names the next attempt")
                .isEmpty();
        stateAfterRun(T0.plus(Duration.ofHours(2)));

        assertThat(only(AgentEventId.RENEWAL_FAILED).strings())
                .containsExactly(
                        "Windows 10 Enterprise",
                        "0xC004F074",
                        "HOST_UNREACHABLE: no KMS host answered",
                        "2026-04-11T00:00:00Z",
                        "2026-01-01T02:00:00Z");
    }

    @Test
    void failedRenewalsAfterARestartWarnOnceSevenDaysAndOnceOneDayBeforeTheActivationLapses() {
        Instant lapse = T0.plus(Duration.ofDays(180));
        for (Instant t = T0.plus(Duration.ofDays(160)); t.isBefore(lapse); t = t.plus(Duration.ofHours(2))) {
            renewal("RENEWAL_FAILED", t, UNREACHABLE, "HOST_UNREACHABLE", lapse);
            stateAfterRun(t.plus(Duration.ofHours(2)));
        }
        renewal("EXPIRED", lapse, null, null, null);

        Written sevenDays = only(AgentEventId.LAPSE_AHEAD_7_DAYS);
        Written oneDay = only(AgentEventId.LAPSE_AHEAD_1_DAY);
        assertThat(ids().indexOf(AgentEventId.LAPSE_AHEAD_7_DAYS))
                .isLessThan(ids().indexOf(AgentEventId.LAPSE_AHEAD_1_DAY));
        assertThat(ids().get(ids().indexOf(AgentEventId.LAPSE_AHEAD_7_DAYS) - 1))
                .as("after the failure that found 7 days left")
                .isEqualTo(AgentEventId.RENEWAL_FAILED);
        assertThat(sevenDays.strings())
                .containsExactly(
                        "Windows 10 Enterprise", "2026-06-30T00:00:00Z", UNREACHABLE + ": no KMS host answered");
        assertThat(oneDay.strings()).contains("2026-06-30T00:00:00Z");
        assertThat(ids().get(ids().size() - 1)).isEqualTo(AgentEventId.LICENSE_EXPIRED);
    }

    @Test
    void aNewValidityWarnsAgainWhenItNearsItsEnd() {
        Instant firstEnd = T0.plus(Duration.ofDays(180));
        renewal("RENEWAL_FAILED", firstEnd.minus(Duration.ofDays(3)), UNREACHABLE, "HOST_UNREACHABLE", firstEnd);
        stateAfterRun(firstEnd.minus(Duration.ofDays(3)).plus(Duration.ofHours(2)));
        Instant renewed = firstEnd.minus(Duration.ofDays(2));
        Instant secondEnd = renewed.plus(Duration.ofDays(180));
        renewal("RENEWED", renewed, "0x00000000", null, secondEnd);
        renewal("RENEWAL_FAILED", secondEnd.minus(Duration.ofDays(5)), UNREACHABLE, "HOST_UNREACHABLE", secondEnd);
        stateAfterRun(secondEnd.minus(Duration.ofDays(5)).plus(Duration.ofHours(2)));

        assertThat(ids().stream().filter(id -> id == AgentEventId.LAPSE_AHEAD_7_DAYS))
                .hasSize(2);
        assertThat(only(AgentEventId.RENEWAL_SUCCEEDED).strings())
                .containsExactly("Windows 10 Enterprise", "kms01.corp.example:1688", "2026-12-25T00:00:00Z");
    }

    @Test
    void theMakFallbackNamesTheMaksLastFiveAndTheKmsFailureBeforeIt() {
        renewal("ACTIVATION_FAILED", T0, UNREACHABLE, "HOST_UNREACHABLE", null);
        renewal("MAK_ACTIVATED", T0.plus(Duration.ofMinutes(1)), "0x00000000", null, null);

        assertThat(only(AgentEventId.MAK_FALLBACK_USED).strings())
                .containsExactly("Windows 10 Enterprise", "T83GX", UNREACHABLE + ": no KMS host answered");
    }
}
