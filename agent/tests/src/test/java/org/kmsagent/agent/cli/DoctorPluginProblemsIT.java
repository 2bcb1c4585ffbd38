package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture.Result;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * {@code doctor} with a jar in the plugins folder that does not load: its refusal went to standard error only, and
 * the check list itself looked healthy with a family missing. The list now names the jar and why.
 */
class DoctorPluginProblemsIT {
    @TempDir
    Path dir;

    private Result doctor(Path plugins) throws Exception {
        return SimulatedDoctor.run(dir, plugins, "");
    }

    @Test
    void aJarThatDoesNotLoadIsAWarningOfItsOwnNamingTheJarAndWhy() throws Exception {
        Path plugins = dir.resolve("plugins");
        PluginJars.copyBuilt(plugins, "windows-client");
        byte[] office = Files.readAllBytes(PluginJars.built("office2016"));
        Files.write(plugins.resolve("office2016-cut.jar"), Arrays.copyOf(office, office.length / 2));

        Result r = doctor(plugins);

        assertThat(r.out())
                .as(r.toString())
                .containsPattern(
                        "WARN plugins +agent: 1 plugin jar not loaded: office2016-cut\\.jar: not a jar \\(zip\\)"
                                + " file")
                .contains("fix: fix or remove each jar named")
                .contains("a family whose every jar is refused is not kept activated");
    }

    @Test
    void withEveryJarLoadedThereIsNoPluginsLine() throws Exception {
        Path plugins = dir.resolve("plugins");
        PluginJars.copyBuilt(plugins, "windows-client");

        Result r = doctor(plugins);

        assertThat(r.out()).as(r.toString()).contains("plugin-signatures").doesNotContain("WARN plugins");
    }
}
