package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;
import org.slf4j.LoggerFactory;

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
            Logger bridgeLog = (Logger) LoggerFactory.getLogger(AgentBridge.class);
            ListAppender<ILoggingEvent> logged = new ListAppender<>();
            logged.start();
            bridgeLog.addAppender(logged);
            try (AgentFixture fixture = AgentFixture.start(dir.resolve("data"), "bridge.tls.clientCaFile=" + ca)) {
                // Before: 'cannot talk to the agent at 127.0.0.1:PORT: Broken pipe' both times, nothing logged.
                Result none = ctl(fixture, null, null);
                assertThat(none.exit()).as("no client certificate").isEqualTo(3);
                assertThat(none.err())
                        .as(none.toString())
                        .contains("requires a client certificate")
                        .contains("--cert FILE --cert-key FILE")
                        .contains("docs/event-bus.md");
                Result untrusted = ctl(fixture, stranger.certificatePath(), stranger.privateKeyPath());
                assertThat(untrusted.exit())
                        .as("an untrusted client certificate")
                        .isEqualTo(3);
                assertThat(untrusted.err())
                        .as(untrusted.toString())
                        .contains("requires a client certificate issued by a CA in its bridge.tls.clientCaFile,"
                                + " and the one given with --cert is not");
                // Once per connection, naming the client's address.
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(logged.list)
                                .filteredOn(e -> e.getLevel() == Level.WARN)
                                .extracting(ILoggingEvent::getFormattedMessage)
                                .filteredOn(m -> m.matches(
                                        "bridge: refused a connection from .*127\\.0\\.0\\.1:\\d+: it presented no"
                                                + " client certificate issued by a CA in bridge.tls.clientCaFile.*"))
                                .hasSize(2));
            } finally {
                bridgeLog.detachAppender(logged);
            }
            try (AgentFixture fixture = AgentFixture.start(dir.resolve("data"), "bridge.tls.clientCaFile=" + ca)) {
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
