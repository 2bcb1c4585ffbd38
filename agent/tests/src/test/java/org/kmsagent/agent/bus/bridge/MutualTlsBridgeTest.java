package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/** With {@code bridge.tls.clientCaFile}, a client needs a certificate from that CA as well as its token. */
class MutualTlsBridgeTest {
  @TempDir Path dir;

  @Test
  void onlyAClientPresentingATrustedCertificateIsServed() throws Exception {
    SelfSignedCertificate client = SelfSignedCertificate.create("ops-workstation");
    SelfSignedCertificate stranger = SelfSignedCertificate.create("stranger");
    try {
      // A self-signed client certificate is its own CA: the simplest trust store that names exactly one client.
      Path ca = Files.copy(Path.of(client.certificatePath()), dir.resolve("clients-ca.pem"));
      try (AgentFixture fixture = AgentFixture.start(dir.resolve("data"), "bridge.tls.clientCaFile=" + ca)) {
        assertThat(ctl(fixture, null, null).exit()).as("no client certificate").isEqualTo(3);
        assertThat(ctl(fixture, stranger.certificatePath(), stranger.privateKeyPath()).exit())
            .as("an untrusted client certificate").isEqualTo(3);
        Result ok = ctl(fixture, client.certificatePath(), client.privateKeyPath());
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("windows-client");
      }
    } finally {
      client.delete();
      stranger.delete();
    }
  }

  private static Result ctl(AgentFixture fixture, String cert, String key) {
    List<String> argv = new ArrayList<>(List.of("ctl"));
    argv.addAll(fixture.connection());
    argv.addAll(List.of("--token", AgentFixture.READ_TOKEN));
    if (cert != null) {
      argv.addAll(List.of("--cert", cert, "--cert-key", key));
    }
    argv.add("status");
    return AgentFixture.run(argv.toArray(String[]::new));
  }
}
