package org.kmsagent.agent.hub.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.FrameDecoder;
import org.kmsagent.agent.bus.bridge.Frames;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.CertificateFingerprint;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;

/**
 * A hub's bridge with {@link ResumableTls}: a client that reconnects after the hub restarted resumes its TLS session
 * (no certificate in the handshake, so the client's trust manager is not asked), and a hub with another key makes a
 * full handshake instead of failing. The client is the JDK's TLS, as every agent's is.
 */
class ResumableTlsTest {
    @TempDir
    Path dir;

    @TempDir
    Path otherDir;

    private final Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final CountingTrust trust = new CountingTrust();
    private final NetClient client = clientVertx.createNetClient(new NetClientOptions()
            .setSsl(true)
            .setConnectTimeout(5_000)
            .setHostnameVerificationAlgorithm("")
            .setTrustOptions(TrustOptions.wrap(trust)));

    @AfterEach
    void close() throws Exception {
        clientVertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void aClientReconnectingAfterAHubRestartResumesWithoutACertificateCheck() throws Exception {
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        trust.pin(tls);
        int port;
        try (Hub first = Hub.start(tls, 0, ResumableTls.forHub(tls))) {
            port = first.port();
            pingOnce(port);
        }
        assertThat(trust.checks)
                .as("the first connection checks the certificate")
                .hasValue(1);

        try (Hub restarted = Hub.start(tls, port, ResumableTls.forHub(tls))) {
            pingOnce(port);
        }
        assertThat(trust.checks)
                .as("the restarted hub accepts the ticket the first one issued: no certificate to check")
                .hasValue(1);
    }

    @Test
    void theJdkEngineMakesAFullHandshakeAfterARestart() throws Exception {
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        trust.pin(tls);
        int port;
        try (Hub first = Hub.start(tls, 0, null)) {
            port = first.port();
            pingOnce(port);
        }
        try (Hub restarted = Hub.start(tls, port, null)) {
            pingOnce(port);
        }
        assertThat(trust.checks).as("the JDK's ticket key dies with its hub").hasValue(2);
    }

    @Test
    void aHubWithAnotherKeyMakesAFullHandshake() throws Exception {
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        TlsMaterial other = TlsMaterial.load(new TlsConfig(null, null, null), otherDir);
        trust.pin(tls);
        trust.pin(other);
        int port;
        try (Hub first = Hub.start(tls, 0, ResumableTls.forHub(tls))) {
            port = first.port();
            pingOnce(port);
        }
        try (Hub renewed = Hub.start(other, port, ResumableTls.forHub(other))) {
            pingOnce(port);
        }
        assertThat(trust.checks)
                .as("a ticket under another certificate's key is not accepted; the new certificate is checked")
                .hasValue(2);
    }

    /**
     * Connects, pings and waits for the pong (by then the hub's session ticket, sent right after the handshake, has
     * been read), then closes.
     */
    private void pingOnce(int port) throws Exception {
        NetSocket socket = client.connect(port, "127.0.0.1").await(30, TimeUnit.SECONDS);
        Promise<JsonObject> pong = Promise.promise();
        FrameDecoder decoder = new FrameDecoder(65_536);
        socket.handler(data -> {
            try {
                decoder.feed(data).forEach(pong::tryComplete);
            } catch (FrameDecoder.FrameException e) {
                pong.tryFail(e);
            }
        });
        socket.write(Frames.encode(new JsonObject().put("type", "ping")));
        assertThat(pong.future().await(30, TimeUnit.SECONDS).getString("type")).isEqualTo("pong");
        socket.close().await(30, TimeUnit.SECONDS);
    }

    /** A hub's bridge in a Vert.x of its own: closing both is what a hub process's end does to its TLS state. */
    private record Hub(Vertx vertx, AgentBridge bridge) implements AutoCloseable {
        static Hub start(TlsMaterial tls, int port, SSLEngineOptions engine) throws Exception {
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            BridgeConfig config =
                    new BridgeConfig(true, "127.0.0.1", port, null, null, Role.NONE, null, null, null, null, 30);
            AgentBridge bridge = new AgentBridge(
                            vertx,
                            config,
                            tls,
                            List.of(new TokenConfig("reader", "reader-0123456789abcdef", Role.READ)))
                    .tlsEngine(engine)
                    .listen()
                    .await(30, TimeUnit.SECONDS);
            return new Hub(vertx, bridge);
        }

        int port() {
            return bridge.port();
        }

        @Override
        public void close() throws Exception {
            bridge.close().await(30, TimeUnit.SECONDS);
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** Trusts the pinned certificates, and counts how often it is asked (once per full handshake). */
    private static final class CountingTrust implements X509TrustManager {
        private final Set<String> pinned = ConcurrentHashMap.newKeySet();
        final AtomicInteger checks = new AtomicInteger();

        void pin(TlsMaterial tls) {
            pinned.add(tls.fingerprint());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checks.incrementAndGet();
            if (!pinned.contains(CertificateFingerprint.of(chain[0]))) {
                throw new CertificateException("not a pinned certificate");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
