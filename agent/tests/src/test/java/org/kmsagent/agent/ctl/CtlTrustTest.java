package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmsagent.agent.config.CertificateFingerprint;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;

/** {@code ctl --trust}: read with the one parse of a fingerprint ({@link CertificateFingerprint}) that fleet.trust uses. */
class CtlTrustTest {
    /**
     * What fleet.trust accepts, ctl --trust accepts, and the other way round. They once had a parse each, and ctl's
     * upper-cased before checking, so U+FB00 (the ligature ff) passed there as two hex digits.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABCD",
                "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB",
                "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABG0",
                "\uFB00ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"
            })
    void fleetTrustAndCtlTrustAcceptTheSameFingerprints(String written) {
        boolean fleet = fleetTrustAccepts(written);
        boolean ctl;
        try {
            CtlCommand.trust(written, null, null, "agent");
            ctl = true;
        } catch (IllegalArgumentException e) {
            ctl = false;
        }
        assertThat(ctl).as("ctl --trust, where fleet.trust gives " + fleet).isEqualTo(fleet);
    }

    @Test
    void aFingerprintWrittenInAnyFormIsPinnedInThePrintedOne() {
        String written = "ab ".repeat(31) + "cd";

        ServerTrust trust = CtlCommand.trust(written, null, null, "agent");

        assertThat(trust).isEqualTo(new ServerTrust.Pinned("AB:".repeat(31) + "CD", "agent"));
    }

    private static boolean fleetTrustAccepts(String written) {
        try {
            new ConfigLoader(Map.of())
                    .load(Optional.empty(), List.of("fleet.hubs=[hub-a.corp:7688]", "fleet.trust=[" + written + "]"));
            return true;
        } catch (ConfigException e) {
            assertThat(e.errors()).singleElement().asString().startsWith("--set fleet.trust[0]: expected");
            return false;
        }
    }
}
