package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.simulate.ScenarioException;
import org.kmsagent.agent.simulate.ScenarioReader;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * Input that is endless, huge, duplicated, fractional or ambiguous gets a short error naming what is wrong and where
 * (exit 2 on the command line), never an out-of-memory, a silent guess or the whole value echoed back.
 */
class InputBoundsTest {
    private static final String GROUP = "machines:\n  - name: pc-{n}\n    family: windows-client\n";

    @TempDir
    Path dir;

    private static String scenarioError(String text, boolean yaml) {
        try {
            new ScenarioReader(TestFamilies.all()).parse("s.yaml", text, yaml);
        } catch (ScenarioException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + text);
    }

    private static void assertOneShortLine(String text) {
        assertThat(text.strip().lines()).hasSize(1);
        assertThat(text.length()).isLessThan(400);
    }

    @Test
    void simulateOfAnEndlessFileIsRefusedAfterABoundedRead() {
        LabFixtures.Run run = LabFixtures.simulate("/dev/zero");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("/dev/zero", "larger than 4 MiB");
        assertOneShortLine(run.err());
    }

    @Test
    void ctlTokenFileIsReadUpToABound() {
        CliRun run = CliRun.of("ctl", "--trust", "AB".repeat(32), "--token-file", "/dev/zero", "status");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--token-file: /dev/zero is larger than 4 KiB");
        assertOneShortLine(run.err());
    }

    @Test
    void aMissingTokenFileIsSaidToBeMissing(@TempDir Path dir) {
        Path missing = dir.resolve("admin.token");
        CliRun run = CliRun.of("ctl", "--trust", "AB".repeat(32), "--token-file", missing.toString(), "status");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--token-file: " + missing + " does not exist");
        assertOneShortLine(run.err());
    }

    @Test
    void aFractionalCountIsRefusedNotRounded() {
        String error = scenarioError(GROUP + "    edition: Windows 10 Pro\n    count: 2.5\n", true);
        assertThat(error).contains("machines[0].count", "whole number");
    }

    @Test
    void aDuplicateKeyOrTrailingTextIsRefused() {
        assertThat(scenarioError(GROUP + "    edition: Windows 10 Pro\n    count: 2\n    count: 3\n", true))
                .contains("line 6", "Duplicate field 'count'");
        assertThat(scenarioError(
                        "{\"machines\": [{\"name\": \"pc\", \"family\": \"windows-client\", "
                                + "\"edition\": \"Windows 10 Pro\"}]} {\"days\": 1}",
                        false))
                .containsIgnoringCase("trailing");
    }

    @Test
    void anEnormousDurationIsNamedNotAnOverflow() {
        String error = scenarioError(
                GROUP + "    edition: Windows 10 Pro\nhost:\n  renewalInterval: 99999999999999999d\n", true);
        assertThat(error)
                .contains("host.renewalInterval", "too long a duration")
                .doesNotContain("overflow");
    }

    @Test
    void aHugeOrControlCharacterValueIsShortenedAndEscaped() {
        String edition = "X".repeat(1024 * 1024);
        String error = scenarioError(GROUP + "    edition: " + edition + "\n", true);
        assertThat(error).contains("machines[0].edition", "\u2026 (1048576 characters)");
        assertThat(error.length()).isLessThan(1_000);
        String escaped = scenarioError(GROUP + "    edition: \"Pro\\e[31m\"\n", true);
        assertThat(escaped).contains("Pro\\u001b[31m").doesNotContain("\u001b");
    }

    @Test
    void aFractionalPortAndAnUnsafeAgentIdAreRefusedInTheConfiguration() throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of());
        assertThatThrownBy(() -> loader.load(Optional.empty(), List.of("bridge.port=7688.9")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.port: expected a whole number");
        assertThatThrownBy(() -> loader.load(Optional.empty(), List.of("fleet.agentId=../../etc/passwd")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fleet.agentId: expected letters, digits");
        assertThatThrownBy(() -> loader.load(
                        Optional.empty(),
                        List.of("fleet.agentId=pc-1", "fleet.token=kma1.pc-2.c2VjcmV0c2VjcmV0c2VjcmV0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "fleet.token: this credential was enrolled for agent 'pc-2', but fleet.agentId is 'pc-1'")
                .hasMessageNotContaining("c2VjcmV0");
        Path twice = dir.resolve("twice.yaml");
        Files.writeString(twice, "bridge:\n  port: 7001\n  port: 7002\n");
        assertThatThrownBy(() -> loader.load(Optional.of(twice), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(":3: not valid YAML")
                .hasMessageContaining("port");
    }

    @Test
    void anUnbracketedIpv6KmsHostIsRefusedAsAmbiguous() {
        CliRun run = CliRun.of("ctl", "--trust", "AB".repeat(32), "--token", "t".repeat(20), "set-kms", "::1:1688");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'::1:1688': an IPv6 address without brackets is ambiguous", "[::1]:1688");
    }
}
