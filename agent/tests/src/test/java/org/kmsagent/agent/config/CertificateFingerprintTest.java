package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A certificate's fingerprint as printed and as pinned: one form printed, the forms a person writes read back to it,
 * and one parse for every place a fingerprint is written ({@code fleet.trust}, {@code ctl --trust}: CtlTrustTest).
 */
class CertificateFingerprintTest {
    private static final String PRINTED = "AB:".repeat(31) + "CD";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:cd",
                "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABCD",
                "AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB CD"
            })
    void everyFormAPersonWritesIsReadAsThePrintedOne(String written) {
        assertThat(CertificateFingerprint.parse(written, "--trust")).isEqualTo(PRINTED);
    }

    @Test
    void aCertificatesFingerprintReadsBackAsItself() throws Exception {
        SelfSignedCertificate made = new SelfSignedCertificate("localhost", "EC", 256);
        try {
            String printed = CertificateFingerprint.of(made.cert());
            assertThat(printed).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
            assertThat(CertificateFingerprint.parse(printed.toLowerCase(), "--trust"))
                    .isEqualTo(printed);
        } finally {
            made.delete();
        }
    }

    @Test
    void aMalformedOneIsRefusedNamingWhereItWasWrittenAndWhatItHolds() {
        assertThatThrownBy(() -> CertificateFingerprint.parse(" AB:CD ", "fleet.trust[0]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fleet.trust[0]: expected a SHA-256 fingerprint (64 hex digits, colons optional), got"
                        + " 'AB:CD'");
    }
}
