package org.kmsagent.agent.cli;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import org.kmsagent.agent.core.Subcommands;
import org.kmsagent.agent.ctl.CtlCommand;

/** The machine agent's subcommands. Only bindings. */
final class CliModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, Class<?>> commands = Subcommands.Binding.of(binder());
        commands.addBinding("products").toInstance(ProductsCommand.class);
        commands.addBinding("gvlk").toInstance(GvlkCommand.class);
        commands.addBinding("status").toInstance(StatusCommand.class);
        commands.addBinding("doctor").toInstance(DoctorCommand.class);
        commands.addBinding("run").toInstance(RunCommand.class);
        commands.addBinding("ctl").toInstance(CtlCommand.class);
        commands.addBinding("token").toInstance(TokenCommand.class);
    }
}
