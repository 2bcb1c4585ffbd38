package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bridge's own TLS pair in {@code <dataDir>/tls/} when it is not whole (docs/operations.md, "Damaged files in the
 * data directory"): half a pair is damaged material, the half that is left is moved aside, never written over, and the
 * banner says every {@code ctl --trust} must change; a file where the folder should be switches the bridge off, and the
 * banner says that and nothing that did not happen.
 */
class BridgeTlsMaterialDamageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"agent-key.pem, agent-cert.pem", "agent-cert.pem, agent-key.pem"})
    void halfAPairIsMovedAsideAndANewPairMadeWithTheBannerSayingSo(String removed, String left) throws Exception {
        Path data = dir.resolve("data");
        String before;
        try (AgentFixture first = AgentFixture.start(data)) {
            before = first.daemon.fingerprint();
        }
        Path tls = data.resolve("tls");
        Files.delete(tls.resolve(removed));
        byte[] kept = Files.readAllBytes(tls.resolve(left));

        try (AgentFixture agent = AgentFixture.start(data)) {
            // Before: a new pair was written over the half left, and the banner said nothing.
            assertThat(agent.daemon.banner())
                    .anyMatch(l -> l.startsWith("kms-agent: the bridge's TLS material was damaged (")
                            && l.contains(removed + " is missing")
                            && l.contains("moved aside: " + tls.resolve(left) + " -> " + left + ".damaged-")
                            && l.contains("a new self-signed pair was made: clients must trust its fingerprint again"));
            assertThat(agent.daemon.fingerprint()).isNotEqualTo(before);
            assertThat(Files.readAllBytes(aside(tls, left))).isEqualTo(kept);
            assertThat(tls.resolve("agent-cert.pem")).isRegularFile();
            assertThat(tls.resolve("agent-key.pem")).isRegularFile();
            AgentFixture.Result status = agent.ctlAdmin("status");
            assertThat(status.exit()).as(status.toString()).isZero();
        }
    }

    @Test
    void aFileWhereTheTlsFolderShouldBeSwitchesTheBridgeOffAndSaysSo() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path tls = Files.writeString(data.resolve("tls"), "not a folder");

        try (AgentFixture agent = AgentFixture.start(data)) {
            // Before: "the bridge's TLS material was damaged (cannot write ...); moved aside: ; a new self-signed pair
            // was made", then "new TLS material cannot be made either".
            assertThat(agent.daemon.banner())
                    .contains("kms-agent: " + tls + " is a file, not a folder: the bridge's TLS material cannot be kept"
                            + " there; bridge disabled (move or remove that file)")
                    .noneMatch(l -> l.contains("moved aside") || l.contains("was made"));
            assertThat(agent.daemon.bridgePort()).isEqualTo(-1);
            assertThat(Files.readString(tls)).isEqualTo("not a folder");
        }
    }

    private static Path aside(Path folder, String name) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith(name + ".damaged-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("nothing moved aside for " + name));
        }
    }
}
