package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.TlsConfig;

/**
 * {@code ctl --hub} says what it found when the address is not a hub's bridge (the dashboard printed beside it, a
 * cluster port), in seconds rather than after the reply timeout, and words its refusals for a hub.
 */
class CtlAgainstAHubTest {
    /** Well under ctl's 60 s reply timeout, which a wrong port used to wait out. */
    private static final Duration QUICKLY = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private LocalHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
    }

    private CliRun ctl(String at, String token, String... args) {
        String[] head = {"ctl", "--hub", at, "--trust", hub.fingerprint, "--token", token};
        String[] argv = new String[head.length + args.length];
        System.arraycopy(head, 0, argv, 0, head.length);
        System.arraycopy(args, 0, argv, head.length, args.length);
        return CliRun.of(argv);
    }

    @Test
    void anotherFingerprintIsNamedAsTheHubsCertificate() {
        CliRun run =
                CliRun.of("ctl", "--hub", hub.at(), "--trust", "AB".repeat(32), "--token", LocalHub.OPS_TOKEN, "fleet");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err())
                .contains("cannot talk to the hub at " + hub.at())
                .contains("the hub's certificate fingerprint is " + hub.fingerprint)
                .doesNotContain("the agent");
    }

    @Test
    void aWrongTokenIsCheckedAgainstTheHubsBridgeTokensNotAnAdminTokenFile() {
        CliRun r = ctl(hub.at(), "not-a-token-0123456789", "fleet");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("against the hub's bridge.tokens").doesNotContain("admin.token");
    }

    @Test
    void theDashboardPortAnswersTlsButNotAsABridgeAndCtlSaysSoInSeconds() throws Exception {
        // The hub's dashboard: HTTPS with the bridge's own certificate, waiting for an HTTP request line.
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir.resolve("hub"));
        HttpServer dashboard = hub.vertx
                .createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(tls.keyCertOptions()))
                .requestHandler(req -> req.response().end("dashboard"))
                .listen(0, "127.0.0.1")
                .await(30, TimeUnit.SECONDS);
        String at = "127.0.0.1:" + dashboard.actualPort();

        long started = System.nanoTime();
        CliRun r = ctl(at, LocalHub.OPS_TOKEN, "fleet");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICKLY);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err())
                .contains(at + " answered, but not as a kms-agent bridge")
                .contains("dashboard")
                .contains("bridge listening on");
    }

    @Test
    void aPortThatNeverFinishesATlsHandshakeIsGivenUpInSeconds() throws Exception {
        // A cluster (Hazelcast) port: it accepts, reads the TLS hello and waits for its own protocol.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread accepting = daemon(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().readAllBytes();
                } catch (Exception e) {
                    // closed by the test
                }
            });
            String at = "127.0.0.1:" + silent.getLocalPort();

            long started = System.nanoTime();
            CliRun r = ctl(at, LocalHub.OPS_TOKEN, "fleet");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICKLY);
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.err())
                    .contains(at + " answered, but did not finish a TLS handshake", "not a kms-agent bridge");
            silent.close();
            accepting.join(10_000);
        }
    }

    @Test
    void aPlainHttpPortIsNotTls() throws Exception {
        // The metrics endpoint: plain HTTP, which answers a TLS hello with an HTTP error.
        try (ServerSocket http = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread answering = daemon(() -> {
                try (Socket s = http.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[512]);
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (Exception e) {
                    // the client went
                }
            });
            String at = "127.0.0.1:" + http.getLocalPort();

            CliRun r = ctl(at, LocalHub.OPS_TOKEN, "fleet");

            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.err()).contains(at + " answered, but not with TLS");
            answering.join(10_000);
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "wrong-port");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
