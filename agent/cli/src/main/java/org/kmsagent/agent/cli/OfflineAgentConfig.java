package org.kmsagent.agent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigFile;
import org.kmsagent.agent.config.ConfigLoader;

/**
 * The configuration the agent runs with, as the commands that work without it read it ({@code products}, {@code gvlk},
 * {@code status}, {@code doctor}): {@code KMSAGENT_CONFIG}, as the MSI sets it for the service ({@link ConfigFile}), and
 * the {@code KMSAGENT_*} overrides; the defaults without either. Read once for a whole command line, on first use: its
 * plugin trust store, the simulated machine's data directory and doctor's findings all come from that one reading.
 */
final class OfflineAgentConfig {
    private final Map<String, String> environment;
    private AgentConfig config;

    OfflineAgentConfig(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * The agent's configuration; thread-safe, since the plugins may be loaded ahead on a second thread.
     *
     * @throws UsageException naming {@code KMSAGENT_CONFIG} and each problem when that configuration cannot be read
     */
    synchronized AgentConfig get() {
        if (config == null) {
            config = read(environment);
        }
        return config;
    }

    private static AgentConfig read(Map<String, String> environment) {
        Optional<Path> file = Optional.empty();
        try {
            file = ConfigFile.fromEnvironment(environment);
            return new ConfigLoader(environment).load(file, List.of());
        } catch (ConfigException e) {
            throw new UsageException("the agent's configuration"
                    + file.map(f -> " (" + ConfigFile.VARIABLE + "=" + f + ")").orElse("")
                    + " cannot be read: " + String.join("; ", e.errors()));
        }
    }
}
