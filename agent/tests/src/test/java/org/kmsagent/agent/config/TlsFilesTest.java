package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration's PEM files are read when the configuration is checked, by the reader that uses them, and each
 * one that cannot be used is named with where it was written and its key, with every other problem (exit 2). A
 * {@code bridge.tls.clientCaFile} that held no certificate stopped the start with exit 1 naming no key; a
 * {@code fleet.caFile} that held none let the agent start and fail at every dial of a hub.
 */
class TlsFilesTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(TlsFilesTest.class.getResource("/tls-formats/" + name).toURI());
    }

    private List<String> errors(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), yaml);
        try {
            new ConfigLoader(Map.of()).load(Optional.of(file), List.of());
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected a configuration error");
    }

    private String at(int line) {
        return dir.resolve("agent.yaml") + ":" + line + ": ";
    }

    @Test
    void aCaFileThatHoldsNoCertificateIsNamedWithItsKeyAndLine() throws Exception {
        Path notPem = Files.writeString(dir.resolve("notpem.txt"), "not a certificate\n");
        Path folder = Files.createDirectories(dir.resolve("cas"));
        assertThat(errors("bridge:\n  port: 70000\n  tls:\n    clientCaFile: " + notPem + "\nfleet:\n  caFile: "
                        + folder + "\n"))
                .containsExactlyInAnyOrder(
                        at(2) + "bridge.port: expected a whole number 0-65535, got 70000",
                        at(4) + "bridge.tls.clientCaFile: not a PEM certificate: " + notPem
                                + " (No certificate data found)",
                        at(6) + "fleet.caFile: " + folder + " is a folder; name the file in it");
        assertThat(errors("bridge:\n  tls:\n    clientCaFile: " + folder + "\nfleet:\n  caFile: " + notPem + "\n"))
                .containsExactlyInAnyOrder(
                        at(3) + "bridge.tls.clientCaFile: " + folder + " is a folder; name the file in it",
                        at(5) + "fleet.caFile: not a PEM certificate: " + notPem + " (No certificate data found)");
    }

    @Test
    void aCaFileOfCertificatesIsTaken() throws Exception {
        AgentConfig c = new ConfigLoader(Map.of())
                .load(
                        Optional.of(Files.writeString(
                                dir.resolve("agent.yaml"),
                                "bridge:\n  tls:\n    clientCaFile: " + fixture("ec-cert.pem") + "\nfleet:\n  caFile: "
                                        + fixture("rsa-cert.pem") + "\n")),
                        List.of());
        assertThat(c.fleet().caFile()).isEqualTo(fixture("rsa-cert.pem").toString());
    }

    @Test
    void theBridgesCertificateAndKeyAreCheckedWithTheRestOfTheFile() throws Exception {
        Path rsaCert = fixture("rsa-cert.pem");
        Path ecKey = fixture("ec-pkcs8-key.pem");
        Path encrypted = fixture("ec-encrypted-key.pem");
        // They were read only once the agent started, and named without the file and line.
        assertThat(errors("bridge:\n  tls:\n    certFile: " + rsaCert + "\n    keyFile: " + ecKey + "\n"))
                .singleElement()
                .asString()
                .startsWith(at(4) + "bridge.tls.keyFile: the key in " + ecKey + " does not match the certificate in "
                        + rsaCert);
        assertThat(errors("bridge:\n  tls:\n    certFile: " + ecKey + "\n    keyFile: " + encrypted + "\n"))
                .satisfiesExactlyInAnyOrder(
                        c -> assertThat(c)
                                .startsWith(at(3) + "bridge.tls.certFile: ")
                                .contains(ecKey.toString()),
                        k -> assertThat(k)
                                .startsWith(at(4) + "bridge.tls.keyFile: the private key in " + encrypted
                                        + " is encrypted"));
        new ConfigLoader(Map.of())
                .load(
                        Optional.empty(),
                        List.of(
                                "bridge.tls.certFile=" + fixture("ec-cert.pem"),
                                "bridge.tls.keyFile=" + fixture("ec-pkcs8-key.pem")));
    }
}
