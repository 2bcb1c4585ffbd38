package org.kmsagent.agent.live;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.OptionalBinder;
import io.vertx.core.Vertx;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.daemon.DaemonContext;
import org.kmsagent.agent.daemon.StateStore;
import org.kmsagent.agent.licensing.simulated.ThisComputer;
import org.kmsagent.agent.plugin.PluginHostModule;
import org.kmsagent.agent.plugin.PluginSignatures;
import org.kmsagent.agent.runtime.VertxScheduler;
import org.kmsagent.agent.scheduler.Scheduler;

/**
 * The daemon's bindings for one start: what the daemon hands over ({@link DaemonContext}), one instance of each of
 * {@link LiveAgent}'s parts, and the simulated machine standing for this computer (the licensing-simulated module
 * declares it). Only bindings (docs/architecture.md, "Wiring"): the parts are constructor-injected and started by
 * {@link LiveAgent}, which orders them. The licensing stacks come from the licensing modules on the class path.
 */
final class DaemonModule extends AbstractModule {
    private final DaemonContext context;
    private final Path pluginsDirectory;
    private final PluginSignatures signatures;

    DaemonModule(DaemonContext context, Path pluginsDirectory, PluginSignatures signatures) {
        this.context = context;
        this.pluginsDirectory = pluginsDirectory;
        this.signatures = signatures;
    }

    @Override
    protected void configure() {
        bind(DaemonContext.class).toInstance(context);
        bind(Vertx.class).toInstance(context.vertx());
        bind(AgentConfig.class).toInstance(context.config());
        bind(EventPublisher.class).toInstance(context.events());
        bind(StateStore.class).toInstance(context.state());
        bind(Clock.class).toInstance(context.clock());
        bind(Path.class).annotatedWith(DataDirectory.class).toInstance(context.dataDir());
        install(new PluginHostModule(pluginsDirectory, signatures));
        // One of each per start, bound here rather than left to just-in-time bindings, so no two starts share one.
        bind(StartBanner.class).in(Singleton.class);
        bind(MachineAccess.class).in(Singleton.class);
        bind(StatePersistence.class).in(Singleton.class);
        bind(MachineLicensing.class).in(Singleton.class);
        bind(HostRoleRunner.class).in(Singleton.class);
        bind(ProductTracker.class).in(Singleton.class);
        bind(MachineCmids.class).in(Singleton.class);
        bind(LiveControl.class).in(Singleton.class);
        bind(LiveAgent.class).in(Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), ThisComputer.class)
                .setBinding()
                .to(MachineLicensing.class);
    }

    /** The machine thread, deployed when the agent is built. */
    @Provides
    @Singleton
    MachineThread machineThread(Vertx vertx) throws Exception {
        return MachineThread.deploy(vertx, "kmsagent-machine", MachineAccess.WAIT_SECONDS);
    }

    /** The scheduler the loops, the site and the watched host see: on the machine thread, each task followed by a save. */
    @Provides
    @Singleton
    Scheduler scheduler(
            Vertx vertx, Clock clock, MachineThread machine, MachineAccess access, Provider<ProductTracker> tracker) {
        return new PersistingScheduler(
                new VertxScheduler(vertx, clock, machine.context()),
                access::closed,
                () -> tracker.get().persist());
    }
}
