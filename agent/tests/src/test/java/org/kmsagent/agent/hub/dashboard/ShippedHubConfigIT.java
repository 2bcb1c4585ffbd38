package org.kmsagent.agent.hub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.hub.HubServer;
import org.kmsagent.agent.metrics.PrometheusText;

/**
 * A hub started with the shipped {@code conf/hub.yaml}, its ports as shipped (only the data directory and the
 * cluster's name are set apart, so that it cannot merge with anything else on this machine): its dashboard answers
 * in headless Chromium and its metrics endpoint on its own port. With the bridge and the dashboard on one port, as
 * the file once had them, the dashboard never answered.
 */
class ShippedHubConfigIT {
    private static final String OPS_TOKEN = "ops-token-0123456789ab";

    @TempDir
    Path dir;

    /**
     * A free port outside the Hazelcast member range that starts at {@code memberPort} (the member itself takes the
     * next free port of its range when the first is taken, so the file's own stays).
     */
    private static int freeOutside(int memberPort) {
        int port = LoopbackPorts.free();
        while (port >= memberPort && port < memberPort + 50) {
            port = LoopbackPorts.free();
        }
        return port;
    }

    @Test
    void theShippedHubServesItsDashboardAndItsMetrics() throws Exception {
        Path shipped = Path.of("..", "..", "distribution", "src", "main", "conf", "hub.yaml");
        ConfigLoader loader = new ConfigLoader(
                        Map.of("KMSAGENT_AGENT_TOKEN", "agent-token-0123456789", "KMSAGENT_OPS_TOKEN", OPS_TOKEN))
                .forHub();
        // The file's own ports, each its own (the loader refuses two servers on one port)...
        AgentConfig asShipped = loader.load(Optional.of(shipped), List.of());
        assertThat(List.of(
                        asShipped.bridge().port(),
                        asShipped.dashboard().port(),
                        asShipped.metrics().port(),
                        asShipped.fleet().cluster().eventBusPort()))
                .doesNotHaveDuplicates();
        // ...then the file served on free ones, so that a hub already running here (as the shipped file runs it)
        // cannot fail this test: everything else is the file's, the member port included (Hazelcast moves up its
        // range when the first is taken).
        AgentConfig config = loader.load(
                Optional.of(shipped),
                List.of(
                        "dataDir=" + dir.resolve("hub"),
                        "fleet.cluster.name=shipped-it-" + UUID.randomUUID(),
                        "bridge.port=" + LoopbackPorts.free(),
                        "dashboard.port=" + LoopbackPorts.free(),
                        "metrics.port=" + LoopbackPorts.free(),
                        "fleet.cluster.eventBusPort="
                                + freeOutside(asShipped.fleet().cluster().port())));
        try (HubServer hub = HubServer.start(config, "hub-shipped", Clock.systemUTC())) {
            assertThat(hub.dashboardPort()).isEqualTo(config.dashboard().port()).isNotEqualTo(hub.port());
            assertThat(PrometheusText.scrape(hub.metricsPort()).named("kmsagent_build_info"))
                    .hasSize(1);

            Assumptions.assumeTrue(
                    HeadlessChromium.available(),
                    "Debian's chromium is not installed at " + HeadlessChromium.BINARY
                            + " (.ci/run installs it): browser part skipped");
            X509Certificate cert;
            try (InputStream in =
                    Files.newInputStream(dir.resolve("hub").resolve("tls").resolve("agent-cert.pem"))) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            String spki = Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256")
                            .digest(cert.getPublicKey().getEncoded()));
            try (HeadlessChromium b = new HeadlessChromium(
                    Files.createDirectories(dir.resolve("chromium")),
                    "--ignore-certificate-errors-spki-list=" + spki)) {
                b.open("https://127.0.0.1:" + hub.dashboardPort() + "/login");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> "complete".equals(b.eval("document.readyState"))
                                && Boolean.TRUE.equals(b.eval("!!document.getElementById('token')")));
                b.eval("document.getElementById('token').value = '" + OPS_TOKEN + "'; "
                        + "document.getElementById('login-form').submit(); true");
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> "true".equals(b.eval("document.body.dataset.ready || ''")));
                assertThat(b.eval("document.title")).asString().isNotBlank();
                assertThat(b.scriptErrors()).isEmpty();
            }
        }
    }
}
