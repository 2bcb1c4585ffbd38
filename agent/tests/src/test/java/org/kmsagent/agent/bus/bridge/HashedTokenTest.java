package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.InMemoryAgent;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.config.TokenHash;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/** bridge.tokens[].hash: the configuration holds a salted hash, the client still sends the token itself. */
class HashedTokenTest {
    private static final String TOKEN = "ops-token-0123456789abcdef";

    @TempDir
    Path dir;

    /** {@code kms-agent token hash} with the token on standard input. */
    private static Result hash(String stdin, String... options) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            List<String> argv = new ArrayList<>(List.of("token", "hash"));
            argv.addAll(List.of(options));
            return AgentFixture.run(argv.toArray(String[]::new));
        } finally {
            System.setIn(before);
        }
    }

    private Path config(String tokensYaml) throws Exception {
        return Files.writeString(dir.resolve("agent.yaml"), "bridge:\n  tokens:\n" + tokensYaml);
    }

    @Test
    void theHashCommandPrintsALineThatMatchesTheTokenAndOnlyIt() {
        Result text = hash(TOKEN + "\n", "--iterations", "10000");
        assertThat(text.exit()).as(text.toString()).isZero();
        TokenHash h = TokenHash.parse(text.out().strip());
        assertThat(h.iterations()).isEqualTo(10_000);
        assertThat(h.matches(TOKEN)).isTrue();
        assertThat(h.matches(TOKEN + "x")).isFalse();
        assertThat(text.out()).doesNotContain(TOKEN);

        Result json = hash(TOKEN + "\n", "--json");
        JsonObject doc = new JsonObject(json.out());
        assertThat(doc.getInteger("iterations")).isEqualTo(TokenHash.DEFAULT_ITERATIONS);
        assertThat(TokenHash.parse(doc.getString("hash")).matches(TOKEN)).isTrue();
        // The same token hashed twice gets two salts.
        assertThat(doc.getString("hash")).isNotEqualTo(text.out().strip());

        Result shortToken = hash("short\n");
        assertThat(shortToken.exit()).isEqualTo(2);
        assertThat(shortToken.err()).contains("the token must be at least 16 characters");
        assertThat(hash("").err()).contains("no token on standard input");
    }

    @Test
    void theNewCommandMakesARandomTokenWithItsHash() {
        Result r = AgentFixture.run("token", "new", "--json", "--name", "helpdesk", "--role", "admin");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonObject doc = new JsonObject(r.out());
        assertThat(doc.getString("token")).hasSizeGreaterThanOrEqualTo(43);
        assertThat(TokenHash.parse(doc.getString("hash")).matches(doc.getString("token")))
                .isTrue();
        assertThat(doc.getString("role")).isEqualTo("admin");
        assertThat(doc.getInteger("iterations"))
                .isEqualTo(TokenHash.parse(doc.getString("hash")).iterations());
        // A blank name makes a line the configuration refuses (bridge.tokens[i].name: must be given).
        Result blank = AgentFixture.run("token", "new", "--name", " ");
        assertThat(blank.exit()).isEqualTo(2);
        assertThat(blank.err()).contains("--name: must not be empty");
        assertThat(blank.out()).isEmpty();
        Result text = AgentFixture.run("token", "new");
        assertThat(text.out())
                .contains("token: ", "hash:  pbkdf2-sha256:", "- {name: \"operator\", role: read, hash: \"");
    }

    @Test
    void theConfigurationLinePrintedLoadsAsOneTokenOfThatNameWhateverTheName() throws Exception {
        for (String name :
                List.of("helpdesk", "a, b", "x}", "#ops", "ops: admin", "say \"hi\"", "null", "True", "1.10", "007")) {
            Result r = AgentFixture.run("token", "new", "--name", name, "--iterations", "10000");
            assertThat(r.exit()).as(r.toString()).isZero();
            String line = r.out()
                    .lines()
                    .filter(l -> l.startsWith("  - {"))
                    .findFirst()
                    .orElseThrow();
            AgentConfig config = new ConfigLoader(Map.of()).load(Optional.of(config(line + "\n")), List.of());
            assertThat(config.bridge().tokens())
                    .as(line)
                    .singleElement()
                    .satisfies(t -> assertThat(t.name()).isEqualTo(name));
        }
    }

    @Test
    void aHashedTokenAuthenticatesOverTheRealBridgeAndAWrongOneIsRefused() throws Exception {
        String hash = TokenHash.of(TOKEN, TokenHash.MIN_ITERATIONS, new SecureRandom())
                .format();
        AgentConfig config = new ConfigLoader(Map.of())
                .load(
                        Optional.of(config("    - {name: ops, role: admin, hash: \"" + hash + "\"}\n")),
                        List.of("dataDir=" + dir.resolve("data"), "bridge.port=0"));
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
        InMemoryAgent agent = new InMemoryAgent(clock);
        try (AgentDaemon daemon = AgentDaemon.start(config, ctx -> agent.reportAttemptsTo(ctx.events()), clock)) {
            List<String> connection =
                    List.of("ctl", "--agent", "127.0.0.1:" + daemon.bridgePort(), "--trust", daemon.fingerprint());
            for (int i = 0; i < 2; i++) { // the second connection compares against the digest kept after the first
                Result ok = run(connection, "--token", TOKEN, "status");
                assertThat(ok.exit()).as(ok.toString()).isZero();
            }
            Result wrong = run(connection, "--token", TOKEN + "x", "status");
            assertThat(wrong.exit()).isEqualTo(3);
            assertThat(wrong.err()).contains("not_authorised");
            // The hash itself is not a token.
            assertThat(run(connection, "--token", hash, "status").exit()).isEqualTo(3);
            assertThat(run(connection, "--token", TOKEN, "activate").exit())
                    .as("admin role: answered, not refused")
                    .isNotEqualTo(3);
        }
    }

    private static Result run(List<String> connection, String... args) {
        List<String> argv = new ArrayList<>(connection);
        argv.addAll(List.of(args));
        return AgentFixture.run(argv.toArray(String[]::new));
    }

    @Test
    void aMalformedHashIsAConfigurationErrorNamingItsLine() throws Exception {
        Path file = config("""
        - name: ops
          role: admin
          hash: "pbkdf2-sha256:100000:not base64!:AAAA"
        - name: both
          role: read
          token: read-0123456789abcdef
          hash: "sha1:1:2:3"
    """);
        List<String> errors;
        try {
            new ConfigLoader(Map.of()).load(Optional.of(file), List.of());
            throw new AssertionError("expected a configuration error");
        } catch (ConfigException e) {
            errors = e.errors();
        }
        assertThat(errors)
                .contains(
                        file + ":5: bridge.tokens[0].hash: the salt and the hash must be base64; expected "
                                + "pbkdf2-sha256:<iterations>:<salt base64>:<hash base64>",
                        file + ":6: bridge.tokens[1]: give token or hash, not both");
        assertThat(errors)
                .anySatisfy(e ->
                        assertThat(e).startsWith(file + ":9: bridge.tokens[1].hash: expected " + "pbkdf2-sha256:"));
    }
}
