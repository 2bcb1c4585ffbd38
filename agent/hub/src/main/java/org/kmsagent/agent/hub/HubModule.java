package org.kmsagent.agent.hub;

import com.google.inject.AbstractModule;
import org.kmsagent.agent.core.Subcommands;

/** The hub module's contribution to the command line: {@code kms-agent hub}. Only bindings. */
public final class HubModule extends AbstractModule {
    @Override
    protected void configure() {
        Subcommands.Binding.of(binder()).addBinding("hub").toInstance(HubCommand.class);
    }
}
