package org.kmsagent.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kmsagent.agent.core.Installation;

/**
 * What the {@code pluginsDir} key means (docs/configuration.md), for every command that loads plugins from the
 * configuration: {@code run} and the Windows service, and {@code status}, {@code doctor}, {@code products} and
 * {@code gvlk} when no {@code --plugins-dir} is given. One rule, so that those commands show the plugins the running
 * agent loads.
 */
public final class PluginsDirSetting {
    private PluginsDirSetting() {}

    /**
     * The plugins folder {@code pluginsDir} names. The default, {@code plugins}, is {@code plugins/} beside the
     * installation wherever the command runs from: a service runs in System32, and an administrator's or a
     * developer's working directory may hold a {@code plugins} folder of its own (a source checkout's holds sources,
     * not jars). Any other relative value is relative to the working directory.
     */
    public static Path folder(AgentConfig config) {
        if (config.pluginsDir().equals(AgentConfig.DEFAULT_PLUGINS_DIR)) {
            return Installation.defaultPluginsDirectory();
        }
        return Path.of(config.pluginsDir()).toAbsolutePath();
    }

    /**
     * Refuses a {@code pluginsDir} the configuration names (in its file, by a {@code KMSAGENT_PLUGINS_DIR} or
     * {@code --set} override, or by {@code run}'s {@code --plugins-dir}) that is no directory: a typo there would
     * otherwise show, or run, an agent with no product family. Only the default {@code plugins} may be missing (then
     * {@code plugins/} beside the installation is used, and the run's banner says when that is missing too).
     *
     * @throws ConfigException the configured folder does not exist or is not a directory, naming the key and where it
     *     was written
     */
    public static void check(ConfigLoader.Loaded loaded) throws ConfigException {
        AgentConfig config = loaded.config();
        if (config.pluginsDir().equals(AgentConfig.DEFAULT_PLUGINS_DIR)) {
            return;
        }
        Path dir = folder(config);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(loaded.locate(
                    "pluginsDir: " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")));
        }
    }
}
