package org.kmsagent.agent.doctor;

import org.kmsagent.agent.config.PluginsConfig;
import org.kmsagent.agent.plugin.PluginSignatures;

/**
 * The {@code plugin-signatures} finding: whether the agent's configuration makes it check plugin jars' signatures
 * ({@code plugins.trustStore}, docs/operations.md "Signed plugins"), and against what.
 */
public final class PluginTrustCheck {
    private PluginTrustCheck() {}

    public static Finding finding(PluginsConfig plugins) {
        PluginSignatures s = PluginSignatures.configured(plugins.trustStore(), plugins.trustStorePassword());
        return Finding.info("agent", "plugin-signatures", s.describe());
    }
}
