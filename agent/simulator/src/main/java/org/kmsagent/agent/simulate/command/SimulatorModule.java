package org.kmsagent.agent.simulate.command;

import com.google.inject.AbstractModule;
import org.kmsagent.agent.core.Subcommands;

/** The simulator module's contribution to the command line: {@code kms-agent simulate}. Only bindings. */
public final class SimulatorModule extends AbstractModule {
    @Override
    protected void configure() {
        Subcommands.Binding.of(binder()).addBinding("simulate").toInstance(SimulateCommand.class);
    }
}
