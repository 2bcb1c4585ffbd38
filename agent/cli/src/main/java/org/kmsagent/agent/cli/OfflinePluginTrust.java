package org.kmsagent.agent.cli;

import java.util.Map;
import org.kmsagent.agent.config.PluginsConfig;
import org.kmsagent.agent.plugin.PluginSignatures;

/**
 * The plugin signature check of the commands that load plugins without a running agent ({@code products},
 * {@code gvlk}, {@code status}, {@code doctor}): the same trust store as the agent's, read from the configuration the
 * agent runs with ({@code KMSAGENT_CONFIG}, as the MSI sets it for the service) and the {@code KMSAGENT_*}
 * overrides. Without it, an administrator's {@code kms-agent status} would run the code of a jar the service refuses.
 * With no configuration and no override, jars are not checked, as the agent does then.
 */
final class OfflinePluginTrust {
    private OfflinePluginTrust() {}

    /**
     * The check the agent's configuration asks for.
     *
     * @throws UsageException naming {@code KMSAGENT_CONFIG} and each problem when that configuration cannot be read
     */
    static PluginSignatures fromEnvironment(Map<String, String> environment) {
        PluginsConfig plugins = OfflineAgentConfig.fromEnvironment(environment).plugins();
        return PluginSignatures.configured(plugins.trustStore(), plugins.trustStorePassword());
    }
}
