package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/** {@code kms-agent run} as a real child process: start-up banner, generated credentials, SIGTERM, restart. */
class RunCommandTest {
    private static final Pattern LISTENING = Pattern.compile("bridge listening on 127\\.0\\.0\\.1:(\\d+) \\(TLS\\)");
    private static final Pattern FINGERPRINT = Pattern.compile("bridge certificate SHA-256 ([0-9A-F:]{95})");

    @TempDir
    Path dir;

    @Test
    void aBadConfigurationStopsTheStartWithTheKeyNamed() {
        Result r = AgentFixture.run("run", "--set", "dataDir=" + dir, "--set", "bridge.port=70000");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("bridge.port: expected a whole number 0-65535, got 70000");
    }

    @Test
    void aPluginsFolderThatDoesNotExistStopsTheStartAsOtherCommandsRefuseIt() throws IOException {
        Path missing = dir.resolve("nope");
        Path data = dir.resolve("data");
        Result products = AgentFixture.run("--plugins-dir", missing.toString(), "products");
        // Without the check, run would start and serve until stopped: bounded so that it fails instead.
        Result run = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> AgentFixture.run("--plugins-dir", missing.toString(), "run", "--set", "dataDir=" + data));
        assertThat(run.exit()).as(run.toString()).isEqualTo(2).isEqualTo(products.exit());
        assertThat(run.err()).isEqualTo(products.err()).contains("--plugins-dir: " + missing + " does not exist");

        // Named in the configuration (agent.yaml or --set), refused alike, by its key.
        Result configured = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> AgentFixture.run("run", "--set", "dataDir=" + data, "--set", "pluginsDir=" + missing));
        assertThat(configured.exit()).as(configured.toString()).isEqualTo(2);
        assertThat(configured.err()).contains("pluginsDir: " + missing + " does not exist");
        // Written in the file: where, as status, doctor, products and gvlk name it.
        Path file =
                Files.writeString(dir.resolve("agent.yaml"), "dataDir: " + data + "\npluginsDir: " + missing + "\n");
        Result inFile = assertTimeoutPreemptively(
                Duration.ofSeconds(60), () -> AgentFixture.run("run", "--config", file.toString()));
        assertThat(inFile.exit()).as(inFile.toString()).isEqualTo(2);
        assertThat(inFile.err()).contains(file + ":2: pluginsDir: " + missing + " does not exist");
        assertThat(data).doesNotExist();
    }

    @Test
    void anExplicitSetPluginsDirWinsOverThePluginsDirOptionAndOnlyItIsChecked() throws Exception {
        Path missing = dir.resolve("nope");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path data = dir.resolve("data");
        // The valid folder given with --set wins: run starts (and prints its plugins folder) rather than refusing the
        // option's folder, which it does not use.
        ProcessBuilder b = runCommand(data, "--set", "pluginsDir=" + plugins);
        b.command().addAll(b.command().indexOf("run"), List.of("--plugins-dir", missing.toString()));
        Path log = dir.resolve("run.log");
        Process run = b.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !run.isAlive() || Files.readString(log).contains("bridge listening"));
            assertThat(Files.readString(log))
                    .doesNotContain("--plugins-dir: " + missing)
                    .contains("plugins from " + plugins);
        } finally {
            run.destroy();
            run.waitFor(60, TimeUnit.SECONDS);
        }
        // The other way round, the option's valid folder does not excuse a --set one that does not exist.
        Result refused = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> AgentFixture.run(
                        "--plugins-dir",
                        plugins.toString(),
                        "run",
                        "--set",
                        "dataDir=" + data,
                        "--set",
                        "pluginsDir=" + missing));
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("pluginsDir: " + missing + " does not exist");
    }

    @Test
    void aConfiguredKeyThatIsNotTheCertificatesStopsTheStartNamingBothFiles() throws Exception {
        Path cert = tlsFixture("rsa-cert.pem");
        Path key = tlsFixture("ec-pkcs8-key.pem");
        // Without the check, run would listen with a pair no handshake can use, and serve until stopped.
        Result r = runWithBridgeTls(dir.resolve("data"), cert, key);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err())
                .contains("bridge.tls.keyFile: the key in " + key + " does not match the certificate in " + cert)
                .doesNotContain("\tat ");
    }

    @Test
    void configuredTlsFilesThatCannotBeUsedStopTheStartAsAMissingOneDoes() throws Exception {
        Path cert = tlsFixture("ec-cert.pem");
        Path encrypted = tlsFixture("ec-encrypted-key.pem");
        Path key = tlsFixture("ec-pkcs8-key.pem");
        Path data = dir.resolve("data");
        // Before: "bridge disabled: the configured TLS material cannot be used", and the agent ran on without its
        // control channel until stopped.
        Result encryptedKey = runWithBridgeTls(data, cert, encrypted);
        assertThat(encryptedKey.exit()).as(encryptedKey.toString()).isEqualTo(2);
        assertThat(encryptedKey.err())
                .contains("bridge.tls.keyFile: the private key in " + encrypted + " is encrypted")
                .doesNotContain("bridge disabled");
        Result keyAsCertificate = runWithBridgeTls(data, key, key);
        assertThat(keyAsCertificate.exit()).as(keyAsCertificate.toString()).isEqualTo(2);
        assertThat(keyAsCertificate.err()).contains("bridge.tls.certFile: ").contains(key.toString());
        Result missing = AgentFixture.run(
                "run",
                "--set",
                "dataDir=" + data,
                "--set",
                "bridge.tls.certFile=" + dir.resolve("none.pem"),
                "--set",
                "bridge.tls.keyFile=" + key);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("kms-agent run: invalid configuration:");
        assertThat(encryptedKey.err()).startsWith("kms-agent run: invalid configuration:");
    }

    /** {@code run} with the bridge on these TLS files, bounded: a start that wrongly goes on would serve until stopped. */
    private static Result runWithBridgeTls(Path data, Path cert, Path key) {
        return assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> AgentFixture.run(
                        "run",
                        "--set",
                        "dataDir=" + data,
                        "--set",
                        "bridge.port=0",
                        "--set",
                        "bridge.tls.certFile=" + cert,
                        "--set",
                        "bridge.tls.keyFile=" + key));
    }

    private static Path tlsFixture(String name) throws Exception {
        return Path.of(RunCommandTest.class.getResource("/tls-formats/" + name).toURI());
    }

    @Test
    void theDaemonPrintsHowToReachItStopsGracefullyOnSigtermAndKeepsItsCertificate() throws Exception {
        Path data = dir.resolve("data");
        Daemon first = Daemon.start(data, dir.resolve("first.log"));
        String fingerprint;
        try {
            fingerprint = first.fingerprint;
            Path tokenFile = data.resolve("admin.token");
            assertThat(first.output()).contains("admin token in " + tokenFile);
            String token = Files.readString(tokenFile).strip();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                    .isEqualTo("rw-------");

            // Authenticated with the generated token: the agent answers (no plugins here, so no products), not 401.
            Result ok = AgentFixture.run(
                    "ctl",
                    "--agent",
                    "127.0.0.1:" + first.port,
                    "--trust",
                    fingerprint,
                    "--token-file",
                    tokenFile.toString(),
                    "--json",
                    "status");
            assertThat(ok.exit()).as(ok + first.output()).isZero();
            assertThat(ok.out()).contains("\"products\"");
            assertThat(first.output()).contains("licensing stack: simulated", "KMS host role off", "0 loaded");
            Result wrong = AgentFixture.run(
                    "ctl",
                    "--agent",
                    "127.0.0.1:" + first.port,
                    "--trust",
                    fingerprint,
                    "--token",
                    "guess-0123456789abcdef",
                    "status");
            assertThat(wrong.exit()).isEqualTo(3);

            first.process.destroy(); // SIGTERM
            assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(first.output())
                    .contains("kms-agent: stopping", "kms-agent: stopped")
                    .contains("refused: unknown token")
                    .doesNotContain(token)
                    .doesNotContain("guess-0123456789abcdef");
        } finally {
            first.process.destroyForcibly();
        }

        Daemon second = Daemon.start(data, dir.resolve("second.log"));
        try {
            assertThat(second.fingerprint).isEqualTo(fingerprint);
        } finally {
            second.process.destroy();
            second.process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void withJsonTheDaemonPrintsOneJsonLineWhenReadyAndOneEachAsItStopsAndNothingElse() throws Exception {
        Path data = dir.resolve("data");
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.log");
        Process p = runCommand(data, "--json")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        ObjectMapper json = new ObjectMapper();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !Files.readString(out).isEmpty() || !p.isAlive());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.readString(out).endsWith("\n"));
            JsonNode ready = json.readTree(Files.readAllLines(out).get(0));
            assertThat(ready.path("event").asText()).as(Files.readString(err)).isEqualTo("ready");
            assertThat(ready.path("pid").asLong()).isEqualTo(p.pid());
            String address = ready.path("bridge").path("address").asText();
            String fingerprint = ready.path("bridge").path("certificateSha256").asText();
            assertThat(address).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(fingerprint).matches("[0-9A-F:]{95}");
            assertThat(ready.path("bridge").path("adminTokenFile").asText())
                    .isEqualTo(data.resolve("admin.token").toString());
            assertThat(ready.path("logging").asText()).isEqualTo("INFO to standard error");
            List<String> notes = new ArrayList<>();
            ready.path("notes").forEach(n -> notes.add(n.asText()));
            assertThat(notes).anyMatch(n -> n.startsWith("licensing stack: simulated"));
            assertThat(notes).noneMatch(n -> n.startsWith("kms-agent:"));

            // What a script reads from the line is enough to reach the agent.
            Result ok = AgentFixture.run(
                    "ctl",
                    "--agent",
                    address,
                    "--trust",
                    fingerprint,
                    "--token-file",
                    ready.path("bridge").path("adminTokenFile").asText(),
                    "--json",
                    "status");
            assertThat(ok.exit()).as(ok.toString()).isZero();

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> lines = Files.readAllLines(out);
            assertThat(lines).hasSize(3);
            assertThat(json.readTree(lines.get(1)).path("event").asText()).isEqualTo("stopping");
            JsonNode stopped = json.readTree(lines.get(2));
            assertThat(stopped.path("event").asText()).isEqualTo("stopped");
            assertThat(stopped.has("problem")).isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    /** {@code kms-agent run} in a child JVM on this test's class path, its data in {@code data}, any free port. */
    private static ProcessBuilder runCommand(Path data, String... options) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "org.kmsagent.agent.cli.Main",
                "run"));
        command.addAll(List.of(options));
        command.addAll(List.of("--set", "dataDir=" + data, "--set", "bridge.port=0"));
        return new ProcessBuilder(command);
    }

    private record Daemon(Process process, Path log, int port, String fingerprint) {
        static Daemon start(Path data, Path log) throws Exception {
            Process p = runCommand(data)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> FINGERPRINT.matcher(Files.readString(log)).find() || !p.isAlive());
                String out = Files.readString(log);
                Matcher port = LISTENING.matcher(out);
                Matcher fp = FINGERPRINT.matcher(out);
                assertThat(port.find() && fp.find()).as(out).isTrue();
                return new Daemon(p, log, Integer.parseInt(port.group(1)), fp.group(1));
            } catch (RuntimeException | AssertionError e) {
                p.destroyForcibly();
                throw e;
            }
        }

        String output() throws IOException {
            return Files.readString(log);
        }
    }
}
