package org.kmsagent.agent.cli;

import picocli.CommandLine;

/** The version from the jar manifest (the build writes it), or "development" from a class directory. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = KmsAgentCommand.class.getPackage().getImplementationVersion();
        return new String[] {"kms-agent " + (v != null ? v : "development")};
    }
}
