package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostSettingsTest {

    @Test
    void defaultsAreThoseOfAWindowsKmsHost() {
        HostSettings s = HostSettings.defaults();

        assertThat(s.activationInterval()).isEqualTo(Duration.ofMinutes(120));
        assertThat(s.renewalInterval()).isEqualTo(Duration.ofDays(7));
        assertThat(s.port()).isEqualTo(1688);
        assertThat(s.dnsPublishing()).isTrue();
    }

    @Test
    void intervalsAcceptFifteenMinutesToThirtyDays() {
        HostSettings s = HostSettings.ofMinutes(15, 43_200, 1688, true);

        assertThat(s.activationInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.renewalInterval()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void activationIntervalBelowFifteenMinutesIsRejectedNamingTheField() {
        assertThatThrownBy(() -> HostSettings.ofMinutes(14, 10_080, 1688, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("activationInterval")
                .hasMessageContaining("14 minutes")
                .hasMessageContaining("15..43200");
    }

    @Test
    void renewalIntervalOverThirtyDaysIsRejectedNamingTheField() {
        assertThatThrownBy(() -> HostSettings.ofMinutes(120, 43_201, 1688, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("renewalInterval")
                .hasMessageContaining("43201 minutes");
    }

    @Test
    void intervalThatIsNotWholeMinutesIsRejected() {
        assertThatThrownBy(() -> new HostSettings(Duration.ofSeconds(1830), Duration.ofDays(7), 1688, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("activationInterval")
                .hasMessageContaining("whole number of minutes");
    }

    @Test
    void portOutsideTcpRangeIsRejected() {
        assertThatThrownBy(() -> HostSettings.ofMinutes(120, 10_080, 0, true)).hasMessageContaining("port: 0");
        assertThatThrownBy(() -> HostSettings.ofMinutes(120, 10_080, 65_536, true))
                .hasMessageContaining("port: 65536");
        assertThat(HostSettings.ofMinutes(120, 10_080, 65_535, true).port()).isEqualTo(65_535);
    }

    @Test
    void blankHostNameIsRejected() {
        assertThatThrownBy(() -> HostConfig.of(" ", List.of(), Set.of())).hasMessageContaining("host name");
    }
}
