package org.kmsagent.agent.bench;

import com.google.inject.AbstractModule;
import org.kmsagent.agent.core.Subcommands;

/** The bench module's contribution to the command line: {@code kms-agent bench}. Only bindings. */
public final class BenchModule extends AbstractModule {
    @Override
    protected void configure() {
        Subcommands.Binding.of(binder()).addBinding("bench").toInstance(BenchCommand.class);
    }
}
