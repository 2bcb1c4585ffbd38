package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;

/**
 * The bridge's self-signed certificate: made with an EC P-256 key (cheap handshakes), kept across restarts, and a pair
 * made by an earlier version (RSA) keeps working with the same fingerprint.
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
