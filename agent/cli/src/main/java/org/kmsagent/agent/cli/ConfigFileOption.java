package org.kmsagent.agent.cli;

import picocli.CommandLine.Option;

/**
 * {@code --config FILE} of the commands that read the agent's configuration without running it ({@code status},
 * {@code doctor}, {@code products}, {@code gvlk}): the file the agent runs with, where the console's
 * {@code KMSAGENT_CONFIG} names another or none (the MSI sets it for the service only: docs/configuration.md). The
 * command reads everything from it: its plugins folder and their trust store, and for {@code status} and
 * {@code doctor} its licensing stack, data directory and simulated machine.
 */
final class ConfigFileOption {
    @Option(
            names = OfflineAgentConfig.OPTION,
            paramLabel = "FILE",
            description = "The agent's configuration (default: KMSAGENT_CONFIG): its plugins folder and their trust"
                    + " store, and all else this command reads from it.")
    String given;

    /** Makes the file given (or none) the configuration of {@code root}'s command line, before anything reads it. */
    void applyTo(KmsAgentCommand root) {
        root.useConfigFile(given);
    }
}
