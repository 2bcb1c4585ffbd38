package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginJars;
import picocli.CommandLine;

/**
 * The plugins {@code status}, {@code doctor}, {@code products} and {@code gvlk} load ahead, before picocli has parsed
 * the arguments, are the ones the parsed {@code --plugins-dir} names, wherever it stands; a second load is a load of
 * its own (each command closes the host it was given).
 */
class PluginsAheadIT {

    @Test
    void theDirectoryGivenAfterTheCommandIsTheOneLoaded(@TempDir Path empty) {
        String built = PluginJars.builtPlugins().toString();

        assertThat(CliRun.of("gvlk", "Windows Server 2022 Datacenter", "--plugins-dir", built)
                        .out())
                .contains("WX4NM-KYWYW-QJJR4-XV3QB-6VM33");
        CliRun none = CliRun.of("gvlk", "Windows Server 2022 Datacenter", "--plugins-dir", empty.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no edition named 'Windows Server 2022 Datacenter'");
    }

    @Test
    void theHostLoadedAheadIsGivenOnceAndALaterLoadIsFresh() throws Exception {
        String built = PluginJars.builtPlugins().toString();
        String[] args = {"--plugins-dir", built, "products"};
        CommandLine cl = KmsAgentCommand.forProcess(args);
        cl.parseArgs(args);
        KmsAgentCommand root = cl.getCommand();

        try (PluginHost first = root.loadPlugins();
                PluginHost second = root.loadPlugins()) {
            assertThat(second).isNotSameAs(first);
            assertThat(first.registry().families()).extracting(LoadedFamily::id).contains("windows-server");
            assertThat(second.registry().families())
                    .extracting(LoadedFamily::id)
                    .contains("windows-server");
        }
    }
}
