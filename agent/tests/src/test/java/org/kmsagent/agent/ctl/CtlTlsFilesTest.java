package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;

/**
 * A {@code --ca}, {@code --cert} or {@code --cert-key} file that cannot be used is a usage error (exit 2) naming the
 * option and the file, found before dialling, as a {@code --token-file} one is. It was "cannot talk to the agent at
 * 127.0.0.1:7688: /nonexistent.pem" or "cannot set up TLS: No certificate data found", exit 3.
 */
class CtlTlsFilesTest {
    @TempDir
    static Path dir;

    static SelfSignedCertificate client;

    /** A loopback port nothing listens on: without the check, ctl would dial it and fail to connect (exit 3). */
    static String closedPort;

    @BeforeAll
    static void setUp() throws IOException {
        client = SelfSignedCertificate.create("ops-workstation");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = "127.0.0.1:" + s.getLocalPort();
        }
    }

    @AfterAll
    static void tearDown() {
        client.delete();
    }

    private static CliRun ctl(String... options) {
        List<String> argv = new ArrayList<>(List.of("ctl", "--agent", closedPort, "--token", "t".repeat(20)));
        argv.addAll(List.of(options));
        argv.add("status");
        return CliRun.of(argv.toArray(String[]::new));
    }

    private static void assertUsageError(CliRun run, String... named) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).as(run.toString()).contains(named).doesNotContain("cannot talk to", "cannot set up TLS");
    }

    @Test
    void aMissingOrUnusableCaFileIsAUsageErrorNamingTheOptionAndTheFile() throws IOException {
        Path missing = dir.resolve("nonexistent.pem");
        assertUsageError(ctl("--ca", missing.toString()), "--ca: " + missing + " does not exist");

        Path notPem = Files.writeString(dir.resolve("notes.pem"), "not a certificate\n");
        assertUsageError(ctl("--ca", notPem.toString()), "--ca: " + notPem + " is not a certificate file");

        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertUsageError(ctl("--ca", empty.toString()), "--ca: " + empty + " is not a certificate file");

        assertUsageError(ctl("--ca", dir.toString()), "--ca: " + dir + " is a directory, not a file");
    }

    @Test
    void aMissingOrUnusableClientCertificateOrKeyIsAUsageErrorNamingTheOptionAndTheFile() throws IOException {
        String cert = client.certificatePath();
        String key = client.privateKeyPath();
        String trust = "AB".repeat(32);
        Path missing = dir.resolve("client.pem");
        assertUsageError(
                ctl("--trust", trust, "--cert", missing.toString(), "--cert-key", key),
                "--cert: " + missing + " does not exist");
        assertUsageError(
                ctl("--trust", trust, "--cert", cert, "--cert-key", missing.toString()),
                "--cert-key: " + missing + " does not exist");

        Path notPem = Files.writeString(dir.resolve("client-notes.pem"), "not PEM\n");
        assertUsageError(
                ctl("--trust", trust, "--cert", notPem.toString(), "--cert-key", key), "--cert: ", notPem.toString());
        // A certificate given as the key: no private key in it.
        assertUsageError(
                ctl("--trust", trust, "--cert", cert, "--cert-key", cert), "--cert-key: no private key in " + cert);
        // A key of another certificate.
        SelfSignedCertificate other = SelfSignedCertificate.create("stranger");
        try {
            assertUsageError(
                    ctl("--trust", trust, "--cert", cert, "--cert-key", other.privateKeyPath()),
                    "--cert-key: the key in " + other.privateKeyPath() + " does not match the certificate in " + cert);
        } finally {
            other.delete();
        }
    }
}
