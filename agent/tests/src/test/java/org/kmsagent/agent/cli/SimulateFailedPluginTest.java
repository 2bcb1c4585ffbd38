package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.plugin.fixture.ThrowingFamily;

/**
 * {@code kms-agent simulate} over a scenario naming a family whose plugin is in the folder but failed to load, and
 * {@code products --family} naming it.
 */
class SimulateFailedPluginTest {
    @TempDir
    Path dir;

    @Test
    void aFamilyWhosePluginFailedIsSaidToHaveFailedAndAnAbsentOneIsSaidToBeAbsent() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.writeWithExtension(plugins.resolve("acme-suite-1.0.0.jar"), "acme-suite", ThrowingFamily.class);
        Path scenario = Files.writeString(dir.resolve("acme.yaml"), """
        name: Acme rollout
        days: 1
        machines:
          - name: pc-{n}
            count: 2
            family: acme-suite
            edition: Acme Suite 2024
          - name: old-{n}
            family: office2031
            edition: Office 2031
        """);

        CliRun run = CliRun.of("--plugins-dir", plugins.toString(), "simulate", scenario.toString());

        String reason = ThrowingFamily.class.getName() + " could not be created: IllegalStateException: boom in"
                + " constructor";
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines())
                .contains("warning: plugin not loaded: acme-suite-1.0.0.jar (plugin acme-suite): " + reason)
                // Was "no loaded family 'acme-suite' (loaded: none)", as if no such plugin were there.
                .anyMatch(l -> l.endsWith("field 'machines[0].family': family 'acme-suite' is not loaded: its plugin"
                        + " failed to load (see above: acme-suite-1.0.0.jar: " + reason + ")"))
                .anyMatch(l -> l.endsWith("field 'machines[1].family': no loaded family 'office2031' (loaded: none)"));
        assertThat(run.out()).isEmpty();

        CliRun products = CliRun.of("--plugins-dir", plugins.toString(), "products", "--family", "acme-suite");

        assertThat(products.exitCode()).isEqualTo(2);
        assertThat(products.err())
                .contains("family 'acme-suite' is not loaded: its plugin failed to load (see above:"
                        + " acme-suite-1.0.0.jar: " + reason + ")");
    }
}
