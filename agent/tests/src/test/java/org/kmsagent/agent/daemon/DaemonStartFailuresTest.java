package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/**
 * What stops an agent's start, and what must not: an address it cannot listen on stops it with the server and the
 * address named, and leaves the bridge's certificate (every client's pin) alone; a second agent on the same data
 * folder is refused while the first serves on.
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

    @Test
    void aSecondAgentOnTheSameDataFolderIsRefusedAndTheFirstServesOn() throws Exception {
        Path data = dir.resolve("data");
        long pid = ProcessHandle.current().pid();
        try (AgentFixture first = AgentFixture.start(data)) {
            assertThatThrownBy(() -> AgentFixture.start(data))
                    .hasMessage("another kms-agent is running on the data folder " + data + " (pid " + pid + ")");

            // Another process: kms-agent run exits 1, naming the folder and this process as its holder. Both were
            // given the launcher's one pending class-data archive; the running agent had marked it as a real run's.
            Path pending = dir.resolve("kms-agent-run-test.jsa.pending");
            Path mark = Files.writeString(dir.resolve("kms-agent-run-test.jsa.pending.real"), "");
            Process second = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-XX:-UsePerfData",
                            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                            "-D" + ClassDataArchive.PENDING_PROPERTY + "=" + pending,
                            "org.kmsagent.agent.cli.Main",
                            "run",
                            "--set",
                            "dataDir=" + data,
                            "--set",
                            "bridge.port=0")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("second.txt").toFile())
                    .start();
            try {
                assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
                String out = Files.readString(dir.resolve("second.txt"));
                assertThat(second.exitValue()).as(out).isEqualTo(1);
                assertThat(out)
                        .contains("kms-agent: another kms-agent is running on the data folder " + data + " (pid " + pid
                                + ")")
                        .doesNotContain("bridge listening");
                // The refused run writes that archive at its exit (a tenth of the classes): the mark no longer says
                // whose it is, and kept, the next start promoted the small one and stranded the real one for good.
                assertThat(mark).doesNotExist();
            } finally {
                second.destroyForcibly();
            }

            Result status = first.ctl(AgentFixture.READ_TOKEN, "status");
            assertThat(status.exit()).as(status.toString()).isZero();
        }
        try (AgentFixture next = AgentFixture.start(data)) {
            assertThat(next.daemon.bridgePort()).isPositive();
        }
        assertThat(Files.readAllLines(data.resolve("agent.lock"))).isEqualTo(List.of(String.valueOf(pid)));
    }
}
