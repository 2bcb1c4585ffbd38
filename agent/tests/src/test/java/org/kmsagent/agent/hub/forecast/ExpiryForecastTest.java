package org.kmsagent.agent.hub.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpiryForecastTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void listsProductsRunningOutWithinTheWindowSoonestFirstWithTheirDiagnosedCause() {
        var unreachable = new ExpiryForecast.Failure(
                Instant.parse("2026-05-31T10:00:00.769826760Z"),
                "0xC004F074",
                "HOST_UNREACHABLE",
                "kms1.corp.example:1688 did not answer",
                3);
        var products = List.of(
                // Valid 180 days from its last renewal on Jan 1 (§2.1): runs out Jun 30, day 29.
                new ExpiryForecast.ProductState(
                        "pc-2",
                        "PC-2",
                        "office2013",
                        "Office Professional Plus 2013",
                        Optional.empty(),
                        Optional.of(Instant.parse("2026-01-01T00:00:00Z")),
                        Optional.empty()),
                new ExpiryForecast.ProductState(
                        "pc-1",
                        "PC-1",
                        "windows-client",
                        "Windows 10 Enterprise",
                        Optional.of(Instant.parse("2026-06-20T00:00:00Z")),
                        Optional.empty(),
                        Optional.of(unreachable)),
                new ExpiryForecast.ProductState(
                        "pc-3",
                        "PC-3",
                        "windows-client",
                        "Windows 10 Enterprise",
                        Optional.of(Instant.parse("2026-09-01T00:00:00Z")),
                        Optional.empty(),
                        Optional.empty()));

        List<ExpiryForecast.Expiring> soon = ExpiryForecast.within(NOW, 30, products);

        assertThat(soon).extracting(ExpiryForecast.Expiring::agentId).containsExactly("pc-1", "pc-2");
        assertThat(soon.get(0).daysLeft()).isEqualTo(19);
        assertThat(soon.get(0).cause())
                .contains(
                        "HOST_UNREACHABLE", "kms1.corp.example:1688 did not answer", "0xC004F074", "3 failed attempts")
                // To the second, as every time ctl shows: it printed the nanoseconds the agent recorded.
                .endsWith(", latest 2026-05-31T10:00:00Z");
        assertThat(soon.get(1).validUntil()).isEqualTo(Instant.parse("2026-06-30T00:00:00Z"));
        assertThat(soon.get(1).daysLeft()).isEqualTo(29);
        assertThat(soon.get(1).cause()).contains("has not tried to renew");
    }

    @Test
    void withoutAFailureEventTheProductsLastResultGivesTheCause() {
        var tried = new ExpiryForecast.ProductState(
                "pc-4",
                "PC-4",
                "windows-client",
                "Windows 11 Enterprise",
                Optional.of(Instant.parse("2026-06-10T00:00:00Z")),
                Optional.empty(),
                Optional.empty(),
                Optional.of("0xC004F074 SL_E_VL_KMS_SERVER_NOT_REACHABLE HOST_UNREACHABLE: no KMS host answered"));
        var succeeded = new ExpiryForecast.ProductState(
                "pc-5",
                "PC-5",
                "windows-client",
                "Windows 11 Enterprise",
                Optional.of(Instant.parse("2026-06-11T00:00:00Z")),
                Optional.empty(),
                Optional.empty(),
                Optional.of("0x00000000 ok"));

        List<ExpiryForecast.Expiring> soon = ExpiryForecast.within(NOW, 30, List.of(tried, succeeded));

        assertThat(soon.get(0).cause()).doesNotContain("has not tried").contains("0xC004F074", "HOST_UNREACHABLE");
        assertThat(soon.get(1).cause()).contains("has not tried to renew");
    }

    @Test
    void alreadyLapsedActivationsAreListedWithNegativeDaysLeft() {
        var lapsed = new ExpiryForecast.ProductState(
                "pc-9",
                "PC-9",
                "windows-client",
                "Windows 7 Enterprise",
                Optional.of(Instant.parse("2026-05-29T12:00:00Z")),
                Optional.empty(),
                Optional.empty());

        assertThat(ExpiryForecast.within(NOW, 30, List.of(lapsed)))
                .singleElement()
                .satisfies(e -> assertThat(e.daysLeft()).isEqualTo(-3));
    }

    @Test
    void productsWithNoKnownValidityAreNotGuessed() {
        var unknown = new ExpiryForecast.ProductState(
                "pc-4", "PC-4", "office2010", "Office 2010", Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(ExpiryForecast.within(NOW, 365, List.of(unknown))).isEmpty();
    }
}
