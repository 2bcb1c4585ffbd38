package org.kmsagent.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** How an event of the agent's topic counts in the metrics. */
class EventOutcomeTest {
    private static JsonObject event(String type, JsonObject data) {
        return new JsonObject()
                .put("type", type)
                .put("at", "2026-03-01T00:00:00Z")
                .put("data", data);
    }

    @Test
    void renewalLoopEventsCountByKindWithCodeAndCauseAsLabelsOfTheirOwn() {
        assertThat(EventOutcome.of(
                        event("renewal", new JsonObject().put("kind", "RENEWED").put("family", "office2013"))))
                .contains(new EventOutcome(true, "office2013", "ok", "0x00000000", "none"));
        assertThat(EventOutcome.of(event(
                        "renewal",
                        new JsonObject()
                                .put("kind", "RENEWAL_FAILED")
                                .put("family", "windows-client")
                                .put("hresult", "0xc004f074"))))
                .contains(new EventOutcome(true, "windows-client", "failed", "0xC004F074", "unknown"));
        // The HResult record as JSON: its code is a signed int.
        assertThat(EventOutcome.of(event(
                        "renewal",
                        new JsonObject()
                                .put("kind", "ACTIVATION_FAILED")
                                .put("family", "windows-client")
                                .put(
                                        "hresult",
                                        new JsonObject()
                                                .put("code", 0xC004F038)
                                                .put("name", "SL_E_VL_NOT_ENOUGH_COUNT")))))
                .contains(
                        new EventOutcome(false, "windows-client", "failed", "0xC004F038", "sl_e_vl_not_enough_count"));
        assertThat(EventOutcome.of(event(
                        "renewal", new JsonObject().put("kind", "MAK_ACTIVATED").put("family", "x"))))
                .contains(new EventOutcome(false, "x", "ok", "0x00000000", "none"));
    }

    @Test
    void theLiveAgentsTextCodeIsSplitIntoCodeAndCause() {
        // What LiveAgent publishes: "hex name" text and the diagnosis; the name never ends up in the code label.
        JsonObject data = new JsonObject()
                .put("kind", "ACTIVATION_FAILED")
                .put("family", "windows-client")
                .put("hresult", "0xC004F038 SL_E_VL_NOT_ENOUGH_COUNT")
                .put("diagnosis", new JsonObject().put("cause", "COUNT_BELOW_THRESHOLD"));
        assertThat(EventOutcome.of(event("renewal", data)))
                .contains(new EventOutcome(false, "windows-client", "failed", "0xC004F038", "count_below_threshold"));
        data.remove("diagnosis");
        assertThat(EventOutcome.of(event("renewal", data)))
                .contains(
                        new EventOutcome(false, "windows-client", "failed", "0xC004F038", "sl_e_vl_not_enough_count"));
    }

    @Test
    void controlApiResultsDoNotCountAgainBesideTheLoopsEvent() {
        assertThat(EventOutcome.of(event(
                        "activation",
                        new JsonObject()
                                .put("family", "office2013")
                                .put("ok", false)
                                .put("hresult", "0xC004F014"))))
                .isEmpty();
        assertThat(EventOutcome.of(event(
                        "key-installed",
                        new JsonObject().put("family", "office2013").put("ok", true))))
                .isEmpty();
        assertThat(EventOutcome.of(event("renewal", new JsonObject().put("kind", "STOPPED"))))
                .isEmpty();
        assertThat(EventOutcome.of(new JsonObject().put("type", "activation"))).isEmpty();
    }

    @Test
    void valuesAnAgentSendsThatAreNotOfTheirShapeAreUnknownNotLabelsOfTheirOwn() {
        // Each would have been a new counter series on every hub, for as long as the hub runs.
        assertThat(EventOutcome.of(event(
                        "renewal",
                        new JsonObject()
                                .put("kind", "RENEWAL_FAILED")
                                .put("family", "Windows Client <b>")
                                .put("hresult", "0xnot-a-code SOMETHING")
                                .put("diagnosis", new JsonObject().put("cause", "x".repeat(200))))))
                .contains(new EventOutcome(true, "unknown", "failed", "unknown", "unknown"));
    }

    @Test
    void theCountersHoldABoundedNumberOfSeriesAndCountTheRestUnderOther() {
        Figures figures = new Figures("kmsagent");
        int codes = Figures.MAX_OUTCOME_SERIES + 50;
        for (int i = 0; i < codes; i++) {
            figures.count(
                    new EventOutcome(true, "windows-client", "failed", String.format("0x%08X", i), "other_cause"));
        }

        String scrape = figures.scrape();
        long series = scrape.lines()
                .filter(l -> l.startsWith("kmsagent_renewals_total{"))
                .count();
        assertThat(series).isEqualTo(Figures.MAX_OUTCOME_SERIES + 1);
        assertThat(scrape)
                .contains(
                        "kmsagent_renewals_total{cause=\"other\",code=\"other\",family=\"other\",result=\"failed\"} 50.0");
    }
}
