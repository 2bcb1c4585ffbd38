package org.kmsagent.agent.hub;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kmsagent.agent.command.RunsUntilStopped;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigFile;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.logging.ResidentLogging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kms-agent hub}: a fleet hub. It clusters with the other hubs ({@code fleet.cluster}), and its TLS bridge
 * ({@code bridge.*}) takes agents dialling out and ctl clients. Runs until SIGTERM or Ctrl-C, then ends as the signal
 * ends any process (143, 130), after the stopping and stopped lines. Exit codes otherwise: 1 failed to start, 2 bad
 * configuration or usage.
 */
@Command(
        name = "hub",
        mixinStandardHelpOptions = true,
        description = "Runs a fleet hub: agents dial out to it; hubs cluster with one another.")
public final class HubCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(HubCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The YAML configuration (default: KMSAGENT_CONFIG, "
                    + "else built-in defaults; see docs/configuration.md and docs/fleet.md).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one key, e.g. --set bridge.port=7690.")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--name",
            description =
                    "The hub's name in the fleet view, unique in its cluster: 1-64 letters, digits, . _ - : [ ] (default: its bridge's host:port; docs/fleet.md).")
    String name;

    @Option(
            names = "--json",
            description = "Print JSON Lines instead of text: a ready line (the hub's name, the bridge's address and"
                    + " certificate, the dashboard and metrics URLs), then stopping and stopped.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> badName = HubNames.problem(name);
        if (badName.isPresent()) {
            err.println("kms-agent hub: " + badName.get());
            err.flush();
            return 2;
        }
        AgentConfig agentConfig;
        List<String> warnings;
        String logs;
        try {
            Optional<Path> file = ConfigFile.choose(config, "--config", System.getenv());
            ConfigLoader.Loaded loaded =
                    new ConfigLoader(System.getenv()).forHub().loadLocated(file, sets);
            agentConfig = loaded.config();
            warnings = loaded.warnings();
            // As run's: a hub is a resident process too, and what it logs at INFO (enrolments, agents registering or
            // moving between hubs, wrong dashboard tokens, Hazelcast's members joining and leaving) is what its
            // operator reads afterwards; left at every other command's warnings-only, none of it was written anywhere.
            logs = ResidentLogging.apply(agentConfig.logging());
        } catch (ConfigException e) {
            err.println("kms-agent hub: " + e.getMessage());
            err.flush();
            return 2;
        }
        // The first line of each start in the log file, as run's: a file that outlives restarts shows where each began.
        LOG.info(
                "kms-agent hub starting: cluster {}, data in {}, logging {}",
                agentConfig.fleet().cluster().name(),
                agentConfig.dataDir(),
                logs);
        // Logged at start, as the hub's other start warning (fleet.allowSharedAgentTokens) is.
        warnings.forEach(w -> LOG.warn("{}", w));
        HubServer hub;
        try {
            hub = HubServer.start(agentConfig, name, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            err.println("kms-agent hub: " + e.getMessage());
            err.flush();
            return 2;
        }
        RunsUntilStopped stop = RunsUntilStopped.install("kms-agent hub", out, json, hub::close);
        stop.ready(hub.banner(), hub.readyFacts(), logs);
        stop.await();
        return 0;
    }
}
