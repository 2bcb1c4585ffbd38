package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A command line that names its subcommand builds that one alone (a short {@code kms-agent status} does not pay for
 * ctl's score of nested commands or run's logging backend); anything else builds them all, so that help and the
 * refusal of unknown words stay as they were.
 */
class NamedSubcommandTest {
    private final List<Class<?>> built = new ArrayList<>();
    private final CommandLine.IFactory recording = new CommandLine.IFactory() {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            built.add(type);
            return CommandLine.defaultFactory().create(type);
        }
    };

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        CommandLine cl =
                KmsAgentCommand.commandLine(recording, new String[] {"gvlk", "Windows Server 2022 Datacenter"});
        assertThat(cl.getSubcommands()).containsOnlyKeys("gvlk");
        // picocli's factory also makes the root's version provider; of the subcommands, gvlk alone.
        assertThat(built).filteredOn(t -> t.getSimpleName().endsWith("Command")).containsExactly(GvlkCommand.class);
    }

    @Test
    void theRootsPluginsDirOptionMayComeFirst() {
        assertThat(KmsAgentCommand.commandLine(recording, new String[] {"--plugins-dir", "p", "status", "--json"})
                        .getSubcommands())
                .containsOnlyKeys("status");
        assertThat(KmsAgentCommand.commandLine(recording, new String[] {"--plugins-dir=p", "products"})
                        .getSubcommands())
                .containsOnlyKeys("products");
    }

    @Test
    void helpNoCommandOrAnUnknownWordBuildThemAll() {
        for (String[] args : List.of(
                new String[] {"--help"}, new String[0], new String[] {"statuss"}, new String[] {"-V", "status"})) {
            assertThat(KmsAgentCommand.commandLine(recording, args).getSubcommands())
                    .containsKeys("products", "gvlk", "status", "doctor", "run", "ctl", "help");
        }
    }

    @Test
    void theRootHelpStillListsEveryCommandAndAMisspellingIsStillSuggested() {
        CliRun help = CliRun.of("--help");
        assertThat(help.out()).contains("  status ", "  run ", "  ctl ", "  doctor ");
        CliRun typo = CliRun.of("statuss");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("Did you mean: kms-agent status");
    }
}
