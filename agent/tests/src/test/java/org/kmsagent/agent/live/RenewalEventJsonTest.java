package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.hub.AgentRecords;
import org.kmsagent.agent.renewal.Diagnosis;
import org.kmsagent.agent.renewal.RenewalEvent;
import org.kmsagent.api.HResult;

/** The daemon's renewal events have the shape the fleet hubs read (docs/fleet.md). */
class RenewalEventJsonTest {
    private static final Instant T = Instant.parse("2026-11-29T01:00:00Z");

    private static JsonObject event(long seq, RenewalEvent e) {
        return new JsonObject()
                .put("seq", seq)
                .put("type", LiveAgent.RENEWAL)
                .put("at", T.toString())
                .put("data", LiveAgent.renewalJson(e));
    }

    @Test
    void aHubRecordsTheFailureCauseAndThenTheSuccessOfTheDaemonsEvents() {
        RenewalEvent failed = new RenewalEvent(
                T,
                "pc-1",
                "windows-client",
                "Windows 11 Enterprise",
                RenewalEvent.Kind.ACTIVATION_FAILED,
                Optional.of(HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE),
                "windows",
                OptionalInt.empty(),
                OptionalInt.of(25),
                Optional.empty(),
                Optional.of(Diagnosis.of(Diagnosis.Cause.HOST_UNREACHABLE, "kms.corp.example:1688 did not answer")));
        assertThat(LiveAgent.renewalJson(failed).getString("why"))
                .isEqualTo("no KMS host answered: kms.corp.example:1688 did not answer");
        JsonObject record = new JsonObject().put("lastSeq", 0L);
        record = AgentRecords.apply(record, new JsonArray().add(event(1, failed)), T)
                .record();
        JsonObject failure =
                record.getJsonObject("renewals").getJsonObject("windows-client").getJsonObject("failure");
        assertThat(failure.getString("hresult")).isEqualTo("0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE");
        assertThat(failure.getString("cause")).isEqualTo("HOST_UNREACHABLE");
        assertThat(failure.getString("detail")).contains("kms.corp.example");

        RenewalEvent activated = new RenewalEvent(
                T.plusSeconds(7200),
                "pc-1",
                "windows-client",
                "Windows 11 Enterprise",
                RenewalEvent.Kind.ACTIVATED,
                Optional.of(HResult.S_OK),
                "windows",
                OptionalInt.of(25),
                OptionalInt.of(25),
                Optional.of("kms1"),
                Optional.empty());
        record = AgentRecords.apply(record, new JsonArray().add(event(2, activated)), T)
                .record();
        JsonObject fam = record.getJsonObject("renewals").getJsonObject("windows-client");
        assertThat(fam.getString("lastSuccess")).isEqualTo(T.plusSeconds(7200).toString());
        assertThat(fam.containsKey("failure")).isFalse();
    }
}
