package org.kmsagent.agent.cli;

import picocli.CommandLine.Option;

/** {@code --licensing slc|simulated|auto}, shared by the commands that read or drive a licensing stack. */
final class LicensingOption {
    @Option(
            names = "--licensing",
            paramLabel = "MODE",
            defaultValue = "auto",
            description = "Licensing stack: slc (Windows' own service), simulated (in-process model) or auto "
                    + "(slc on Windows, simulated elsewhere). Default: ${DEFAULT-VALUE}.")
    String mode;
}
