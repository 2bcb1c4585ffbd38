package org.kmsagent.agent.doctor;

import org.kmsagent.agent.plugin.PluginSignatures;

/**
 * The {@code plugin-signatures} finding: whether the agent's configuration makes it check plugin jars' signatures
 * ({@code plugins.trustStore}, docs/operations.md "Signed plugins"), and against what.
 */
public final class PluginTrustCheck {
    private PluginTrustCheck() {}

    /**
     * @param signatures the check the plugins were loaded with: the trust store as read for that load, not read
     *     again (it would be a second reading of the same file, which could also disagree with the first)
     */
    public static Finding finding(PluginSignatures signatures) {
        return Finding.info("agent", "plugin-signatures", signatures.describe());
    }
}
