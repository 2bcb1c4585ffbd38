package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stops an agent's start, and what must not: an address it cannot listen on stops it with the server and the
 * address named, and leaves the bridge's certificate (every client's pin) alone.
 */
class DaemonStartFailuresTest {
    @TempDir
    Path dir;

    @Test
    void aBridgePortInUseStopsTheStartAndKeepsTheCertificate() throws Exception {
        Path data = dir.resolve("data");
        String fingerprint;
        try (AgentFixture first = AgentFixture.start(data)) {
            fingerprint = first.daemon.fingerprint();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> AgentFixture.start(data, "bridge.port=" + port))
                    .hasMessage("bridge: cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
        try (Stream<Path> tls = Files.list(data.resolve("tls"))) {
            assertThat(tls.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("damaged"));
        }
        // Everything the failed start had begun is stopped again, the folder's lock included.
        try (AgentFixture again = AgentFixture.start(data)) {
            assertThat(again.daemon.fingerprint()).isEqualTo(fingerprint);
        }
    }

    @Test
    void aMetricsPortInUseIsNamedWithItsAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() ->
                            AgentFixture.start(dir.resolve("data"), "metrics.enabled=true", "metrics.port=" + port))
                    .hasMessage("metrics: cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
    }
}
