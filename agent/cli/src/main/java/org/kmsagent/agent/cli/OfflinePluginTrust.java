package org.kmsagent.agent.cli;

import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.plugin.PluginSignatures;

/**
 * The plugin signature check of the commands that load plugins without a running agent ({@code products},
 * {@code gvlk}, {@code status}, {@code doctor}): the same trust store as the agent's, from the configuration the
 * agent runs with ({@link OfflineAgentConfig}). Without it, an administrator's {@code kms-agent status} would run the
 * code of a jar the service refuses. With no configuration and no override, jars are not checked, as the agent does
 * then.
 */
final class OfflinePluginTrust {
    private OfflinePluginTrust() {}

    /** The check {@code config} asks for. */
    static PluginSignatures of(AgentConfig config) {
        return PluginSignatures.configured(
                config.plugins().trustStore(), config.plugins().trustStorePassword());
    }
}
