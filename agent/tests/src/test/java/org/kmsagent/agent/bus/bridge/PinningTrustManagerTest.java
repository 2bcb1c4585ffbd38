package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.config.CertificateFingerprint;

/**
 * One trust manager for every client that pins (ctl --trust, an agent's fleet.trust): it trusts the pinned
 * certificates only, and a refusal names what was connected to, the certificate's fingerprint and what was pinned.
 */
class PinningTrustManagerTest {
    private SelfSignedCertificate pinned;
    private SelfSignedCertificate other;

    @BeforeEach
    void make() throws Exception {
        pinned = new SelfSignedCertificate("localhost", "EC", 256);
        other = new SelfSignedCertificate("localhost", "EC", 256);
    }

    @AfterEach
    void delete() {
        pinned.delete();
        other.delete();
    }

    @Test
    void aPinnedCertificateIsTrustedAnyOneOfSeveral() {
        PinningTrustManager trust = new PinningTrustManager(
                List.of("AB:".repeat(31) + "AB", CertificateFingerprint.of(pinned.cert())),
                "hub",
                "one of fleet.trust");

        assertThatCode(() -> trust.checkServerTrusted(new X509Certificate[] {pinned.cert()}, "ECDHE_ECDSA"))
                .doesNotThrowAnyException();
    }

    @Test
    void anotherCertificateIsRefusedNamingItsFingerprintAndThePins() {
        String seen = CertificateFingerprint.of(other.cert());
        String fingerprint = CertificateFingerprint.of(pinned.cert());

        assertThatThrownBy(() -> new PinningTrustManager(List.of(fingerprint), "hub", "one of fleet.trust")
                        .checkServerTrusted(new X509Certificate[] {other.cert()}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessage("the hub's certificate fingerprint is " + seen + ", not one of fleet.trust");
        assertThatThrownBy(() -> new PinningTrustManager(List.of(fingerprint), "agent", "the pinned " + fingerprint)
                        .checkServerTrusted(new X509Certificate[] {other.cert()}, "ECDHE_ECDSA"))
                .hasMessage("the agent's certificate fingerprint is " + seen + ", not the pinned " + fingerprint);
    }

    @Test
    void noCertificateIsRefusedNamingThePeer() {
        assertThatThrownBy(() -> new PinningTrustManager(List.of(), "agent", "the pinned")
                        .checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA"))
                .hasMessage("the agent sent no certificate");
    }
}
