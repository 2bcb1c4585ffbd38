package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.LabFixtures;

/**
 * Two JVMs (each with its own hash seeds for unordered collections) print the same bytes for the same scenario and
 * seed: nothing in the output depends on hash order or the process.
 */
class DeterminismAcrossProcessesTest {

    @Test
    void twoProcessesPrintTheSameBytes() throws Exception {
        String scenario =
                LabFixtures.scenario("office2013-missing-license-pack.yaml").toString();
        byte[] first = child(scenario, "--days", "3");
        byte[] second = child(scenario, "--days", "3");
        assertThat(new String(first, StandardCharsets.UTF_8)).contains("Summary after day   3");
        assertThat(second).isEqualTo(first);
    }

    private static byte[] child(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SimulateChild.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }
}
