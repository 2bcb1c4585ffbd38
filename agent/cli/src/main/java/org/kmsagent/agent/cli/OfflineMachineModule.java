package org.kmsagent.agent.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.OptionalBinder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.daemon.StateStore;
import org.kmsagent.agent.daemon.StoredMachine;
import org.kmsagent.agent.licensing.DeadlineStack;
import org.kmsagent.agent.licensing.LicensingStackFactory;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.ThisComputer;
import org.kmsagent.agent.live.SimulatedSite;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;
import org.kmsagent.api.LicensingException;

/**
 * The bindings of the commands that read the machine once and exit ({@code status}, {@code doctor}), installed with
 * the licensing modules on the class path: the simulated machine that stands for this computer when no daemon runs,
 * and the stack chooser, every stack it builds given a deadline. Only bindings.
 */
final class OfflineMachineModule extends AbstractModule {
    private final Supplier<List<LoadedFamily>> families;
    private final Supplier<AgentConfig> config;
    /** Where a word about the machine shown goes: the command's standard error. */
    private final Consumer<String> notes;

    private final Set<String> noted = ConcurrentHashMap.newKeySet();

    /**
     * {@code families} is asked for only when the simulated stack is chosen (it loads the plugins); the command's
     * configuration ({@code doctor --config FILE}, else {@code KMSAGENT_CONFIG}, and the overrides:
     * {@link OfflineAgentConfig}) then too. A damaged
     * or missing state file is told to {@code notes}, since the machine shown is then not the agent's.
     */
    OfflineMachineModule(Supplier<List<LoadedFamily>> families, Supplier<AgentConfig> config, Consumer<String> notes) {
        this.families = families;
        this.config = config;
        this.notes = notes;
    }

    /** Tells the user, once per line, on the command's standard error. */
    private void note(String line) {
        if (noted.add(line)) {
            notes.accept(line);
        }
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), ThisComputer.class)
                .setBinding()
                .toInstance(this::thisMachine);
    }

    /**
     * The licensing modules' stacks, each call given a deadline: a licensing call that never returns must not hang
     * status or doctor; it is abandoned at its deadline and the report shows it (0x800705B4, "did not return within
     * 30 s").
     */
    @Provides
    LicensingStacks stacks(Map<String, LicensingStackFactory> factories) {
        Map<String, LicensingStackFactory> deadlined = new LinkedHashMap<>();
        factories.forEach((mode, factory) -> deadlined.put(mode, () -> new DeadlineStack(factory.create())));
        return new LicensingStacks(deadlined);
    }

    /**
     * The simulated machine the agent drives: the one it saved in its state file ({@code <dataDir>/state.json} of the
     * command's configuration), with its CMID and products, so that {@code status} shows
     * the agent's machine (docs/windows.md); without one, a new machine with the configuration's
     * {@code simulated.editions} installed fresh from volume media. Its clock stands still at now, and nothing is
     * written: not the state file, nor anything on this computer. The status output says the stack is the simulated
     * one.
     */
    private SimulatedMachine thisMachine() {
        // First: a plugins folder that is refused stops the command before a word about the machine.
        List<LoadedFamily> loaded = families.get();
        AgentConfig agent = config.get();
        Path file = Path.of(agent.dataDir()).resolve("state.json");
        StateStore.Look look = new StateStore(file, Clock.systemUTC()).look();
        Optional<StoredMachine> stored = look.state().map(AgentState::machine);
        if (look.damage().isPresent()) {
            note("warning: " + file + " is damaged (" + look.damage().get() + "); the machine shown is a fresh "
                    + "simulated one, not the agent's (the agent moves the file aside at its next start)");
        } else if (stored.isEmpty()) {
            note("note: " + (look.exists() ? file + " holds no simulated machine" : "no agent state in " + file)
                    + "; the machine shown is a fresh simulated one (a new CMID, nothing activated), not the agent's");
        }
        SimulatedSite site = SimulatedSite.create(new VirtualClockScheduler(Instant.now()), agent.simulated(), stored);
        for (LoadedFamily f : loaded) {
            try {
                site.install(f);
            } catch (LicensingException | RuntimeException e) {
                // The status report names a family whose products cannot be read; installing is best effort here.
            }
        }
        // As run says it at start: a mistyped edition is simply not installed, and the report would not show why.
        site.unknownEditions(loaded).forEach(line -> note("warning: " + line));
        return site.machine();
    }
}
