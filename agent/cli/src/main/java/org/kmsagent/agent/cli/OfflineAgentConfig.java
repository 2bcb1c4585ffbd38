package org.kmsagent.agent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;

/**
 * The configuration the agent runs with, as the commands that work without it read it ({@code products}, {@code gvlk},
 * {@code status}, {@code doctor}): {@code KMSAGENT_CONFIG}, as the MSI sets it for the service, and the
 * {@code KMSAGENT_*} overrides; the defaults without either.
 */
final class OfflineAgentConfig {
    private OfflineAgentConfig() {}

    /**
     * The agent's configuration.
     *
     * @throws UsageException naming {@code KMSAGENT_CONFIG} and each problem when that configuration cannot be read
     */
    static AgentConfig fromEnvironment(Map<String, String> environment) {
        Optional<Path> file = Optional.ofNullable(environment.get("KMSAGENT_CONFIG"))
                .filter(s -> !s.isBlank())
                .map(Path::of);
        try {
            return new ConfigLoader(environment).load(file, List.of());
        } catch (ConfigException e) {
            throw new UsageException("the agent's configuration"
                    + file.map(f -> " (KMSAGENT_CONFIG=" + f + ")").orElse("")
                    + " cannot be read: " + String.join("; ", e.errors()));
        }
    }
}
