package org.kmsagent.agent.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.OptionalBinder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.ThisComputer;
import org.kmsagent.agent.licensing.windows.SlcStackFactory;
import org.kmsagent.agent.live.SimulatedSite;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;

/** The licensing stacks come from the licensing modules on the class path, each under its {@code licensing} value. */
class LicensingModulesTest {

    private static Injector injector(Module... more) {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class).forEach(modules::add);
        modules.addAll(List.of(more));
        return Guice.createInjector(modules);
    }

    @Test
    void eachLicensingModuleContributesItsStackUnderTheValueThatSelectsIt() {
        Map<String, LicensingStackFactory> stacks =
                injector().getInstance(Key.get(new TypeLiteral<Map<String, LicensingStackFactory>>() {}));
        assertThat(stacks).containsOnlyKeys("slc", "simulated");
        assertThat(stacks.get("slc")).isInstanceOf(SlcStackFactory.class);
    }

    @Test
    void theSimulatedStackIsTheMachineTheRunningProcessSaysStandsForThisComputer() {
        SimulatedMachine machine = SimulatedSite.create(
                        new VirtualClockScheduler(Instant.parse("2026-03-01T09:00:00Z")),
                        AgentConfig.defaults().simulated(),
                        Optional.empty())
                .machine();
        Injector injector = injector(new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), ThisComputer.class)
                        .setBinding()
                        .toInstance(() -> machine);
            }
        });
        LicensingStacks.Choice choice =
                injector.getInstance(LicensingStacks.class).select("simulated");
        assertThat(choice.stack()).isSameAs(machine);
    }

    @Test
    void withoutAMachineForThisComputerTheSimulatedStackSaysWhatIsMissing() {
        LicensingStacks stacks = injector().getInstance(LicensingStacks.class);
        assertThatThrownBy(() -> stacks.select("simulated"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("licensing=simulated: nothing here says which simulated machine stands for this computer");
    }

    @Test
    void aStackWhoseModuleIsNotInstalledIsReportedAsAnInstallProblem() {
        LicensingStacks stacks = new LicensingStacks(
                Map.of("simulated", () -> {
                    throw new AssertionError("not chosen");
                }),
                "Windows 11");
        assertThatThrownBy(() -> stacks.select("auto"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "licensing=slc: this install has no slc licensing stack (its licensing module is not on the class"
                                + " path)");
    }
}
