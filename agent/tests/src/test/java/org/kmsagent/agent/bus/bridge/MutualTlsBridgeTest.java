package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
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
    @TempDir
    Path dir;

    @Test
    void onlyAClientPresentingATrustedCertificateIsServed() throws Exception {
        SelfSignedCertificate client = SelfSignedCertificate.create("ops-workstation");
        SelfSignedCertificate stranger = SelfSignedCertificate.create("stranger");
        try {
            // A self-signed client certificate is its own CA: the simplest trust store that names exactly one client.
            Path ca = Files.copy(Path.of(client.certificatePath()), dir.resolve("clients-ca.pem"));
            try (AgentFixture fixture = AgentFixture.start(dir.resolve("data"), "bridge.tls.clientCaFile=" + ca)) {
                assertThat(ctl(fixture, null, null).exit())
                        .as("no client certificate")
                        .isEqualTo(3);
                assertThat(ctl(fixture, stranger.certificatePath(), stranger.privateKeyPath())
                                .exit())
                        .as("an untrusted client certificate")
                        .isEqualTo(3);
                Result ok = ctl(fixture, client.certificatePath(), client.privateKeyPath());
                assertThat(ok.exit()).as(ok.toString()).isZero();
                assertThat(ok.out()).contains("windows-client");
            }
        } finally {
            client.delete();
            stranger.delete();
        }
    }

    @Test
    void theAuditNamesTheClientCertificatesSubjectBesideTheTokenAndForAnUnknownToken() throws Exception {
        SelfSignedCertificate client = SelfSignedCertificate.create("ops-workstation");
        try {
            Path ca = Files.copy(Path.of(client.certificatePath()), dir.resolve("clients-ca.pem"));
            try (AgentFixture fixture = AgentFixture.start(dir.resolve("data"), "bridge.tls.clientCaFile=" + ca)) {
                assertThat(ctl(
                                        fixture,
                                        "not-a-token-0123456789",
                                        client.certificatePath(),
                                        client.privateKeyPath(),
                                        "clear-kms")
                                .exit())
                        .isEqualTo(3);
                ctl(fixture, AgentFixture.ADMIN_TOKEN, client.certificatePath(), client.privateKeyPath(), "audit");
                // The second read shows the first (a read is recorded once answered).
                Result audit = ctl(
                        fixture,
                        AgentFixture.ADMIN_TOKEN,
                        client.certificatePath(),
                        client.privateKeyPath(),
                        "audit",
                        "--json");
                assertThat(audit.exit()).as(audit.toString()).isZero();
                List<JsonObject> records = new JsonObject(audit.out())
                        .getJsonArray("records").stream()
                                .map(o -> (JsonObject) o)
                                .toList();
                JsonObject refused = records.stream()
                        .filter(r -> "kmsagent.kms.clear".equals(r.getString("action")))
                        .findFirst()
                        .orElseThrow();
                assertThat(refused.getString("actor")).isEqualTo("CN=ops-workstation");
                assertThat(refused.getString("result")).isEqualTo("refused");
                JsonObject read = records.stream()
                        .filter(r -> "kmsagent.audit".equals(r.getString("action")))
                        .findFirst()
                        .orElseThrow();
                assertThat(read.getString("actor")).isEqualTo("ops");
                assertThat(read.getString("subject")).isEqualTo("CN=ops-workstation");
            }
        } finally {
            client.delete();
        }
    }

    private static Result ctl(AgentFixture fixture, String cert, String key) {
        return ctl(fixture, AgentFixture.READ_TOKEN, cert, key, "status");
    }

    private static Result ctl(AgentFixture fixture, String token, String cert, String key, String... command) {
        List<String> argv = new ArrayList<>(List.of("ctl"));
        argv.addAll(fixture.connection());
        argv.addAll(List.of("--token", token));
        if (cert != null) {
            argv.addAll(List.of("--cert", cert, "--cert-key", key));
        }
        argv.addAll(List.of(command));
        return AgentFixture.run(argv.toArray(String[]::new));
    }
}
