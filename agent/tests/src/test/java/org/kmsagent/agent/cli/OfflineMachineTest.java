package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.daemon.StateStore;
import org.kmsagent.agent.daemon.StoredMachine;
import org.kmsagent.agent.licensing.simulated.ThisComputer;

/**
 * With the simulated stack, status and doctor read the machine the agent drives (its state file, in the data
 * directory of the configuration it runs with), not a new one each time (docs/windows.md).
 */
class OfflineMachineTest {
    @TempDir
    Path dir;

    /** What status or doctor would print on standard error about the machine shown. */
    private final List<String> notes = new ArrayList<>();

    private ThisComputer thisComputer(Map<String, String> environment) {
        List<Module> modules = new ArrayList<>(CliInjector.classPathModules());
        modules.add(new OfflineMachineModule(List::of, new OfflineAgentConfig(environment)::get, notes::add));
        Injector injector = Guice.createInjector(modules);
        return injector.getInstance(ThisComputer.class);
    }

    @Test
    void theMachineIsTheOneTheAgentSavedWithItsCmid() throws Exception {
        Path data = dir.resolve("data");
        UUID cmid = UUID.fromString("6c4e0e39-0000-4000-8000-000000000001");
        StateStore store = new StateStore(data.resolve("state.json"), Clock.systemUTC());
        store.save(AgentState.empty().withMachine(new StoredMachine("LAB-PC", cmid, List.of())));
        String before = Files.readString(data.resolve("state.json"));
        Path config = Files.writeString(dir.resolve("agent.yaml"), "dataDir: " + data + "\n");

        Map<String, String> env = Map.of("KMSAGENT_CONFIG", config.toString());
        assertThat(thisComputer(env).machine().cmid()).isEqualTo(cmid);
        assertThat(thisComputer(env).machine().machineName()).isEqualTo("LAB-PC");
        assertThat(Files.readString(data.resolve("state.json"))).as("only read").isEqualTo(before);
        assertThat(notes).as("the agent's own machine needs no word").isEmpty();
    }

    @Test
    void aDamagedStateFileIsSaidInPlainWordsNamingTheFile() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("state.json"), "{\"products\": [1, 2]}");
        Path config = Files.writeString(dir.resolve("agent.yaml"), "dataDir: " + data + "\n");

        thisComputer(Map.of("KMSAGENT_CONFIG", config.toString())).machine();
        assertThat(notes)
                .singleElement()
                .asString()
                .startsWith("warning: " + data.resolve("state.json") + " is damaged (")
                .contains("a mapping", "products", "the machine shown is a fresh simulated one, not the agent's")
                .doesNotContain("java.", "LinkedHashMap", "org.kmsagent");
    }

    @Test
    void withoutAStateFileTheMachineShownIsSaidToBeAFreshSimulatedOne() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), "dataDir: " + dir.resolve("none") + "\n");

        thisComputer(Map.of("KMSAGENT_CONFIG", config.toString())).machine();
        assertThat(notes)
                .containsExactly(
                        "note: no agent state in " + dir.resolve("none").resolve("state.json")
                                + "; the machine shown is a fresh simulated one (a new CMID, nothing activated), not the "
                                + "agent's");
    }

    @Test
    void aDamagedStateFileIsLeftForTheAgentAndANewMachineIsShown() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("state.json"), "{not json");
        Path config = Files.writeString(dir.resolve("agent.yaml"), "dataDir: " + data + "\n");

        assertThat(thisComputer(Map.of("KMSAGENT_CONFIG", config.toString()))
                        .machine()
                        .cmid())
                .isNotNull();
        assertThat(Files.readString(data.resolve("state.json"))).isEqualTo("{not json");
        try (var files = Files.list(data)) {
            assertThat(files).hasSize(1);
        }
    }
}
