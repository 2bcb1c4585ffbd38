package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;

/**
 * The bridge's self-signed certificate: made with an EC P-256 key (cheap handshakes), kept across restarts, and a pair
 * made by an earlier version (RSA) keeps working with the same fingerprint; configured keys in every form OpenSSL
 * writes are served, and an unusable one is refused naming its file.
 */
class TlsMaterialTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void aNewSelfSignedCertificateHasAnEcP256KeyAndKeepsItsFingerprintAcrossRestarts() throws Exception {
        TlsMaterial made = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        PublicKey key = certificate(made.certFile()).getPublicKey();
        assertThat(key.getAlgorithm()).isEqualTo("EC");
        assertThat(((ECPublicKey) key).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        // The certificate's own signature digest is the JDK's choice (SHA-256 on 17, SHA-384 on 25); what each
        // handshake costs is the P-256 key's ECDSA signature.
        assertThat(certificate(made.certFile()).getSigAlgName()).endsWith("withECDSA");
        assertThat(TlsMaterial.load(new TlsConfig(null, null, null), dir).fingerprint())
                .isEqualTo(made.fingerprint());
        assertAnswers(made);
    }

    @Test
    void anRsaPairMadeByAnEarlierVersionIsKeptAndServed() throws Exception {
        SelfSignedCertificate rsa = new SelfSignedCertificate("localhost", "RSA", 2048);
        Files.createDirectories(dir.resolve("tls"));
        Files.copy(rsa.certificate().toPath(), dir.resolve("tls/agent-cert.pem"));
        Files.copy(rsa.privateKey().toPath(), dir.resolve("tls/agent-key.pem"));
        rsa.delete();
        String before = TlsMaterial.fingerprint(dir.resolve("tls/agent-cert.pem"));

        TlsMaterial kept = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        assertThat(kept.fingerprint()).isEqualTo(before);
        assertThat(certificate(kept.certFile()).getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertAnswers(kept);
    }

    @Test
    void halfASelfSignedPairIsRefusedNamingTheMissingFileAndTheHalfLeftIsNotWrittenOver() throws Exception {
        TlsMaterial made = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        Files.delete(made.keyFile());
        byte[] cert = Files.readAllBytes(made.certFile());

        // Before: a new pair was written over the certificate left, and its fingerprint changed without a word.
        assertThatThrownBy(() -> TlsMaterial.load(new TlsConfig(null, null, null), dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(made.keyFile() + " is missing");
        assertThat(Files.readAllBytes(made.certFile())).isEqualTo(cert);
        assertThat(made.keyFile()).doesNotExist();
    }

    /**
     * Configured material in each form OpenSSL writes (fixtures made with OpenSSL 3: {@code ecparam -genkey},
     * {@code genrsa -traditional}, {@code pkey}, {@code req -x509}) is served: the key read without Vert.x's PEM options.
     */
    @ParameterizedTest
    @CsvSource({"ec-cert.pem, ec-pkcs8-key.pem", "ec-cert.pem, ec-sec1-key.pem", "rsa-cert.pem, rsa-pkcs1-key.pem"})
    void configuredKeysInEachOpenSslFormAreServed(String cert, String key) throws Exception {
        TlsMaterial configured = TlsMaterial.load(
                new TlsConfig(fixture(cert).toString(), fixture(key).toString(), null), dir);
        assertThat(configured.selfSigned()).isFalse();
        assertAnswers(configured);
    }

    @Test
    void anUnusableConfiguredKeyIsRefusedNamingItsFile() throws Exception {
        Path cert = fixture("ec-cert.pem");
        Path encrypted = fixture("ec-encrypted-key.pem");
        Path certAsKey = fixture("rsa-cert.pem");
        Path garbage = Files.writeString(
                dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> configured(cert, encrypted).keyCertOptions())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(encrypted.toString())
                .hasMessageContaining("is encrypted");
        assertThatThrownBy(() -> configured(cert, certAsKey).keyCertOptions())
                .hasMessageContaining(certAsKey.toString())
                .hasMessageContaining("its PEM block is a CERTIFICATE");
        assertThatThrownBy(() -> configured(cert, garbage).keyCertOptions())
                .hasMessageContaining(garbage.toString())
                .hasMessageContaining("is not an EC, RSA or Ed25519 key");
        Path damaged = Files.writeString(
                dir.resolve("damaged.pem"),
                "-----BEGIN EC PRIVATE KEY-----\nMIR/////AgEB\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> configured(cert, damaged).keyCertOptions())
                .hasMessageContaining("damaged EC private key in " + damaged);
        Path noCurve = Files.writeString(
                dir.resolve("no-curve.pem"),
                "-----BEGIN EC PRIVATE KEY-----\nMAYCAQEEAQc=\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> configured(cert, noCurve).keyCertOptions())
                .hasMessageContaining("the EC private key in " + noCurve + " does not name its curve");
        assertThatThrownBy(() -> configured(fixture("ec-pkcs8-key.pem"), fixture("ec-pkcs8-key.pem"))
                        .keyCertOptions())
                .hasMessageContaining("ec-pkcs8-key.pem");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() throws Exception {
        Path rsaCert = fixture("rsa-cert.pem");
        Path ecCert = fixture("ec-cert.pem");
        Path ecKey = fixture("ec-pkcs8-key.pem");
        // Another EC P-256 key: the same kind as the certificate's, another key.
        SelfSignedCertificate other = new SelfSignedCertificate("localhost", "EC", 256);
        Path otherEcKey = Files.copy(other.privateKey().toPath(), dir.resolve("other-ec-key.pem"));
        Path otherRsaKey = Files.writeString(dir.resolve("other-rsa-key.pem"), "");
        SelfSignedCertificate otherRsa = new SelfSignedCertificate("localhost", "RSA", 2048);
        Files.copy(otherRsa.privateKey().toPath(), otherRsaKey, StandardCopyOption.REPLACE_EXISTING);
        other.delete();
        otherRsa.delete();

        assertThatThrownBy(() -> configured(rsaCert, ecKey).keyCertOptions())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the key in " + ecKey + " does not match the certificate in " + rsaCert);
        assertThatThrownBy(() -> configured(ecCert, otherEcKey).keyCertOptions())
                .hasMessage("the key in " + otherEcKey + " does not match the certificate in " + ecCert);
        assertThatThrownBy(() -> configured(rsaCert, otherRsaKey).keyCertOptions())
                .hasMessage("the key in " + otherRsaKey + " does not match the certificate in " + rsaCert);
        // As the configuration names them, with where each was written: TlsFilesTest.
    }

    private TlsMaterial configured(Path cert, Path key) {
        return new TlsMaterial(cert, key, "unused", false);
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(TlsMaterialTest.class.getResource("/tls-formats/" + name).toURI());
    }

    /** A bridge serving this pair completes a handshake with a client pinning its fingerprint, and answers a ping. */
    private void assertAnswers(TlsMaterial tls) throws Exception {
        BridgeConfig config = new BridgeConfig(true, "127.0.0.1", 0, null, null, Role.NONE, null, null, null, null, 30);
        AgentBridge bridge =
                new AgentBridge(vertx, config, tls, List.of()).listen().await(30, TimeUnit.SECONDS);
        try (RawBridgeClient c = new RawBridgeClient(bridge.port(), tls.fingerprint())) {
            c.sendFrame(new JsonObject().put("type", "ping"));
            assertThat(c.readFrame().getString("type")).isEqualTo("pong");
        }
        bridge.close().await(30, TimeUnit.SECONDS);
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
