package org.kmsagent.agent.licensing.simulated;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.util.Optional;
import org.kmsagent.agent.licensing.LicensingStackFactory;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.api.LicensingStack;

/**
 * The licensing-simulated module's contribution: {@code licensing: simulated}, the machine {@link ThisComputer}
 * gives. Only bindings: the process that runs the agent sets {@link ThisComputer}.
 */
public final class SimulatedLicensingModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), ThisComputer.class);
        LicensingStacks.Binding.of(binder()).addBinding("simulated").to(SimulatedStackFactory.class);
    }

    /** The simulated stack: this computer's simulated machine. */
    static final class SimulatedStackFactory implements LicensingStackFactory {
        private final Optional<Provider<ThisComputer>> computer;

        @Inject
        SimulatedStackFactory(Optional<Provider<ThisComputer>> computer) {
            this.computer = computer;
        }

        @Override
        public LicensingStack create() {
            return computer.orElseThrow(() -> new IllegalStateException(
                            "licensing=simulated: nothing here says which simulated machine stands for this computer"))
                    .get()
                    .machine();
        }
    }
}
