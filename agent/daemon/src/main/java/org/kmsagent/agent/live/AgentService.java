package org.kmsagent.agent.live;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.logging.RunLogging;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.service.ServiceBody;
import org.kmsagent.agent.windows.service.ServiceBodyProvider;
import org.kmsagent.agent.windows.service.ServiceExitCode;
import org.kmsagent.agent.windows.service.ServiceStartException;

/**
 * The agent as the Windows service {@code kms-agent} (docs/windows.md, "As a service"): the service host
 * ({@code ServiceMain}, started by {@code kms-agent-service.exe}) finds this provider on the class path and runs the
 * same daemon as {@code kms-agent run}, with the configuration named by the service's argument or by
 * {@code KMSAGENT_CONFIG}, and the Event Log writer the host opened.
 */
public final class AgentService implements ServiceBodyProvider {
    @Override
    public ServiceBody create(List<String> args, AgentEvents events) {
        Optional<Path> file = !args.isEmpty()
                ? Optional.of(Path.of(args.get(0)))
                : Optional.ofNullable(System.getenv("KMSAGENT_CONFIG")).map(Path::of);
        return new ServiceBody() {
            private AgentDaemon daemon;

            @Override
            public void start() throws Exception {
                AgentConfig config;
                String logs;
                try {
                    config = new ConfigLoader(System.getenv()).load(file, List.of());
                    DaemonWiring.checkPluginsDir(config);
                    logs = RunLogging.applyForService(config.logging());
                } catch (ConfigException e) {
                    events.configurationProblem(file.map(Path::toString).orElse("(defaults)"), e.getMessage());
                    throw new ServiceStartException(
                            ServiceExitCode.CONFIGURATION,
                            e.getMessage(),
                            "correct the configuration file, then start the service again");
                }
                daemon = AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC(), events);
                daemon.banner().forEach(System.out::println);
                System.out.println("logging: " + logs);
                System.out.flush();
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
