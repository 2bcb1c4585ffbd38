package org.kmsagent.agent.cli;

import org.kmsagent.agent.config.AgentConfig;
import picocli.CommandLine.Option;

/** {@code --licensing slc|simulated|auto}, shared by the commands that read or drive a licensing stack. */
final class LicensingOption {
    @Option(
            names = "--licensing",
            paramLabel = "MODE",
            description = "Licensing stack: slc (Windows' own service), simulated (in-process model) or auto "
                    + "(slc on Windows, simulated elsewhere). Default: the configuration's licensing, as the agent"
                    + " runs with (auto without one).")
    String mode;

    /**
     * The stack to choose: {@code --licensing}, else the {@code licensing} of {@code config} (with its
     * {@code KMSAGENT_LICENSING} override), the stack {@code run} chooses with that configuration.
     */
    String mode(AgentConfig config) {
        return mode != null ? mode : config.licensing().id();
    }
}
