package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.TlsConfig;

/**
 * The fingerprint may come from {@code KMSAGENT_TRUST} (docs/event-bus.md); when it is wrong, ctl names the variable,
 * not {@code --trust}, which the user did not give. An empty one is what the docs' {@code sed} leaves when it finds
 * no fingerprint line.
 */
class TrustFromEnvironmentTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyVariableIsNamedAndSaidToBeEmpty() {
        assertThatThrownBy(() -> CtlCommand.trust(null, "", null, "agent"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("KMSAGENT_TRUST is set but empty")
                .message()
                .doesNotStartWith("--trust");
    }

    @Test
    void aMalformedVariableIsNamedWithWhatItHolds() {
        assertThatThrownBy(() -> CtlCommand.trust(null, "AB:CD", null, "hub"))
                .hasMessage(
                        "KMSAGENT_TRUST: expected a SHA-256 fingerprint (64 hex digits, colons optional), got 'AB:CD'");
    }

    @Test
    void caGivenBeatsAnExportedFingerprintAndTrustWithCaIsStillRefused() throws Exception {
        Path ca = TlsMaterial.load(new TlsConfig(null, null, null), dir).certFile();
        assertThat(CtlCommand.trust(null, "ab".repeat(32), ca, "agent")).isInstanceOf(ServerTrust.CaFile.class);
        assertThatThrownBy(() -> CtlCommand.trust("ab".repeat(32), null, ca, "agent"))
                .hasMessage("give --trust or --ca, not both");
    }

    @Test
    void aCaCertificateIsTakenInDerAsCertmgrExportsItAsWellAsInPem() throws Exception {
        Path pem = TlsMaterial.load(new TlsConfig(null, null, null), dir).certFile();
        byte[] der;
        try (var in = Files.newInputStream(pem)) {
            der = CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)
                    .getEncoded();
        }
        Path cer = Files.write(dir.resolve("ca.cer"), der);

        assertThat(CtlCommand.caFile(cer).certificates()).hasSize(1);
        assertThat(CtlCommand.caFile(pem).certificates()).hasSize(1);
    }

    @Test
    void aTokenFromTheEnvironmentLosesTheSpacesCrAndBomATokenFileLoses() {
        assertThat(CtlCommand.fromEnvironment("\uFEFFadmin-0123456789abcdef\r\n"))
                .isEqualTo("admin-0123456789abcdef");
        assertThat(CtlCommand.fromEnvironment("  ")).isNull();
        assertThat(CtlCommand.fromEnvironment(null)).isNull();
    }

    @Test
    void theOptionIsStillNamedWhenItWasGiven() {
        assertThatThrownBy(() -> CtlCommand.trust("AB:CD", "", null, "agent")).hasMessageStartingWith("--trust:");
        assertThat(CtlCommand.trust(null, "ab".repeat(32), null, "hub")).isInstanceOf(ServerTrust.Pinned.class);
    }
}
