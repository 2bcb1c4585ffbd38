package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kmsagent.agent.command.RunsUntilStopped;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigFile;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.config.PluginsDirSetting;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.ClassDataArchive;
import org.kmsagent.agent.live.DaemonWiring;
import org.kmsagent.agent.logging.ResidentLogging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kms-agent run}: the daemon. Runs until SIGTERM or Ctrl-C, then shuts down gracefully (a JVM shutdown hook).
 * Exit codes: 1 failed to start (another agent runs on the data folder, the bridge or the metrics endpoint cannot
 * listen), 2 bad configuration or usage (a plugins folder or log file that cannot be used included); stopped by
 * SIGTERM or Ctrl-C, the process ends as the signal ends any (143, 130), after the stopping and stopped lines.
 */
@TakesGlobalOptions
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Runs the agent: renewal, the optional KMS host role, and the TLS control bridge.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    KmsAgentCommand root;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The YAML configuration (default: KMSAGENT_CONFIG, "
                    + "else built-in defaults; see docs/configuration.md).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one key, e.g. --set bridge.port=9999.")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--json",
            description = "Print JSON Lines instead of text: a ready line (the bridge's address and certificate, the"
                    + " metrics URL, the start's notes), then stopping and stopped.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AgentConfig agentConfig;
        List<String> warnings;
        String logs;
        try {
            Optional<Path> file = ConfigFile.choose(config, "--config", System.getenv());
            List<String> overrides = new ArrayList<>();
            // kms-agent --plugins-dir DIR run: the root option, as --set pluginsDir=DIR. An explicit --set wins
            // (docs/configuration.md), and only the folder that wins is checked: the option is then ignored.
            boolean setExplicitly = sets.stream().anyMatch(s -> s.strip().startsWith("pluginsDir="));
            if (root != null && !setExplicitly) {
                // Refused as products, status and gvlk refuse it: exit 2, the same message.
                root.checkPluginsDirOption();
                root.pluginsDirOption().ifPresent(d -> overrides.add("pluginsDir=" + d.toAbsolutePath()));
            }
            overrides.addAll(sets);
            ConfigLoader.Loaded loaded = new ConfigLoader(System.getenv()).loadLocated(file, overrides);
            PluginsDirSetting.check(loaded);
            agentConfig = loaded.config();
            warnings = loaded.warnings();
            logs = ResidentLogging.apply(agentConfig.logging());
        } catch (ConfigException e) {
            err.println("kms-agent run: " + e.getMessage());
            err.flush();
            return 2;
        }
        LOG.info(
                "kms-agent run starting: licensing {}, data in {}, logging {}",
                agentConfig.licensing(),
                agentConfig.dataDir(),
                logs);
        AgentDaemon daemon;
        try {
            daemon = AgentDaemon.start(agentConfig, DaemonWiring.production(), Clock.systemUTC())
                    .warnOf(warnings);
        } catch (ConfigException e) {
            // A configured TLS file changed since the configuration was checked (ConfigValidator reads them).
            err.println("kms-agent run: " + e.getMessage());
            err.flush();
            return 2;
        }
        RunsUntilStopped stop = RunsUntilStopped.install("kms-agent", out, json, daemon::close);
        stop.ready(daemon.banner(), daemon.readyFacts(), logs);
        ClassDataArchive.markRealRun();
        stop.await();
        return 0;
    }
}
