package org.kmsagent.agent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/** {@code kms-agent doctor} run on a simulated Windows 11 Enterprise machine, with a configuration file of its own. */
final class SimulatedDoctor {
    private SimulatedDoctor() {}

    /**
     * @param dir where the configuration and the data directory go
     * @param plugins the plugins folder
     * @param host the configuration's {@code host:} section, indented two spaces (empty for none)
     */
    static Result run(Path dir, Path plugins, String host) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
                dataDir: %s
                licensing: simulated
                simulated:
                  editions: [Windows 11 Enterprise]
                host:
                %s
                """.formatted(dir.resolve("data"), host));
        return AgentFixture.run("--plugins-dir", plugins.toString(), "doctor", "--config", file.toString());
    }
}
