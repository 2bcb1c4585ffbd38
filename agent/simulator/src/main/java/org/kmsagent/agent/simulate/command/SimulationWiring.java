package org.kmsagent.agent.simulate.command;

import java.util.List;
import java.util.Objects;
import org.kmsagent.agent.command.GlobalOptions;
import org.kmsagent.agent.command.PluginLease;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.simulate.HostFactory;
import org.kmsagent.agent.simulate.LabHosts;
import picocli.CommandLine;

/**
 * Where {@code kms-agent simulate} (and the simulation benchmark) get their families and their KMS host from when
 * run from the command line. Tests hand {@code SimulateCommand} their own and never come here.
 *
 * <p>Families come from the plugins directory of the root command's inherited {@code --plugins-dir}; the plugin
 * host stays open for the run (plugin classes must stay loadable), and so serves the {@code ctl fleet snapshot} that
 * {@code --from-hub} runs, until the lease is closed. The KMS host is the ledger host on the plain-memory ledger
 * ({@link LabHosts}).
 */
public final class SimulationWiring {
    private SimulationWiring() {}

    /**
     * The loaded families, kept usable until the lease is closed (the plugin host that loaded them stays open), and
     * the plugins that failed to load, which the command has printed (a scenario naming one of their families is told
     * so).
     */
    public record FamilyLease(List<LoadedFamily> families, List<PluginProblem> failedPlugins, AutoCloseable onClose)
            implements AutoCloseable {
        public FamilyLease {
            families = List.copyOf(families);
            failedPlugins = List.copyOf(failedPlugins);
            Objects.requireNonNull(onClose, "onClose");
        }

        /** Families that need no closing (built in code), no plugin failed. */
        public static FamilyLease of(List<LoadedFamily> families) {
            return new FamilyLease(families, List.of(), () -> {});
        }

        @Override
        public void close() throws Exception {
            onClose.close();
        }
    }

    /** Loads the families for a command run (the spec gives access to the root command and its options). */
    @FunctionalInterface
    public interface FamilySource {
        FamilyLease families(CommandLine.Model.CommandSpec spec) throws Exception;
    }

    /** The families of the plugins directory the root command names (see the class comment). */
    public static FamilySource families() {
        return spec -> {
            // It prints the plugins that failed (warning: plugin not loaded: ...).
            PluginLease plugins = ((GlobalOptions) spec.root().userObject()).loadPlugins();
            return new FamilyLease(
                    plugins.host().registry().families(), plugins.host().problems(), plugins);
        };
    }

    /**
     * The lab host: the KMS host model on the plain-memory ledger, the fastest that gives the exact output (a
     * simulation keeps nothing after the run; {@code --ledger h2} picks the H2 one).
     */
    public static HostFactory host() {
        return LabHosts.ledgerInPlainMemory();
    }
}
