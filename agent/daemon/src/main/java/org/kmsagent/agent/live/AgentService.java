package org.kmsagent.agent.live;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigFile;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.config.PluginsDirSetting;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.ClassDataArchive;
import org.kmsagent.agent.logging.ResidentLogging;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.service.ServiceBody;
import org.kmsagent.agent.windows.service.ServiceBodyProvider;
import org.kmsagent.agent.windows.service.ServiceExitCode;
import org.kmsagent.agent.windows.service.ServiceStartException;

/**
 * The agent as the Windows service {@code kms-agent} (docs/windows.md, "As a service"): the service host
 * ({@code ServiceMain}, started by {@code kms-agent-service.exe}) finds this provider on the class path and runs the
 * same daemon as {@code kms-agent run}, with the configuration named by the service's argument or by
 * {@code KMSAGENT_CONFIG} ({@link ConfigFile}), and the Event Log writer the host opened.
 */
public final class AgentService implements ServiceBodyProvider {
    /** How a refusal names the configuration file given in the service's ImagePath, after the exe. */
    static final String ARGUMENT = "the service's argument";

    private final Map<String, String> environment;

    /** The provider {@code ServiceMain} finds: the service's own environment (its registry Environment value). */
    public AgentService() {
        this(System.getenv());
    }

    /** With the given environment in place of the process's: for tests. */
    AgentService(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public ServiceBody create(List<String> args, AgentEvents events) {
        String given = args.isEmpty() ? null : args.get(0);
        return new ServiceBody() {
            private AgentDaemon daemon;

            @Override
            public void start() throws Exception {
                Optional<Path> file;
                try {
                    file = ConfigFile.choose(given, ARGUMENT, environment);
                } catch (ConfigException e) {
                    throw refused(given != null ? ARGUMENT : ConfigFile.VARIABLE, e);
                }
                AgentConfig config;
                List<String> warnings;
                String logs;
                try {
                    ConfigLoader.Loaded loaded = new ConfigLoader(environment).loadLocated(file, List.of());
                    PluginsDirSetting.check(loaded);
                    config = loaded.config();
                    warnings = loaded.warnings();
                    logs = ResidentLogging.applyForService(config.logging());
                } catch (ConfigException e) {
                    throw refused(file.map(Path::toString).orElse("(defaults)"), e);
                }
                try {
                    daemon = AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC(), events)
                            .warnOf(warnings);
                } catch (ConfigException e) {
                    // A configured TLS file changed since the configuration was checked: refused as the rest is.
                    throw refused(file.map(Path::toString).orElse("(defaults)"), e);
                }
                daemon.banner().forEach(System.out::println);
                System.out.println("logging: " + logs);
                System.out.flush();
                ClassDataArchive.markRealRun();
            }

            /** Reported in the Event Log ({@code where}: the file, or what named it), then the start refused. */
            private ServiceStartException refused(String where, ConfigException e) {
                events.configurationProblem(where, e.getMessage());
                return new ServiceStartException(
                        ServiceExitCode.CONFIGURATION,
                        e.getMessage(),
                        "correct the configuration file, then start the service again");
            }

            @Override
            public void stop(StopReason reason) throws Exception {
                if (daemon != null) {
                    daemon.close();
                }
            }
        };
    }
}
