package org.kmsagent.agent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigFile;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.config.PluginsDirSetting;

/**
 * The configuration the commands that work without the agent read ({@code products}, {@code gvlk}, {@code status},
 * {@code doctor}): the file the command names ({@code doctor --config FILE}), else {@code KMSAGENT_CONFIG}, as the MSI
 * sets it for the service ({@link ConfigFile}'s rule), and the {@code KMSAGENT_*} overrides; the defaults without
 * either. Read once for a whole command line, on first use: its plugins folder and their trust store, the licensing
 * stack, the simulated machine's data directory and doctor's findings all come from that one reading.
 */
final class OfflineAgentConfig {
    /** How a command names the file it is given. */
    static final String OPTION = "--config";

    private final String given;
    private final Map<String, String> environment;
    private ConfigLoader.Loaded config;

    /** The configuration {@code KMSAGENT_CONFIG} names in {@code environment}, or none. */
    OfflineAgentConfig(Map<String, String> environment) {
        this(null, environment);
    }

    /**
     * @param given the file the command line names with {@value #OPTION}, as written; null when it names none
     */
    OfflineAgentConfig(String given, Map<String, String> environment) {
        this.given = given;
        this.environment = Map.copyOf(environment);
    }

    /** The file the command line named, as written; null when it named none. */
    String given() {
        return given;
    }

    /**
     * The configuration; thread-safe, since the plugins may be loaded ahead on a second thread.
     *
     * @throws UsageException naming {@value #OPTION} or {@code KMSAGENT_CONFIG}, and each problem, when that
     *     configuration cannot be read
     */
    AgentConfig get() {
        return loaded().config();
    }

    /**
     * What the configuration is warned of but not refused for ({@link ConfigLoader#loadLocated}: a misspelt
     * {@code KMSAGENT_*} variable), as {@code run} says it at start.
     *
     * @throws UsageException as {@link #get()}
     */
    List<String> warnings() {
        return loaded().warnings();
    }

    /**
     * The plugins folder the configuration's {@code pluginsDir} names, as {@code run} reads it
     * ({@link PluginsDirSetting}); not checked.
     *
     * @throws UsageException as {@link #get()}
     */
    Path pluginsDirectory() {
        return PluginsDirSetting.folder(get());
    }

    /**
     * Refuses a configured {@code pluginsDir} that names no directory, as {@code run} does, naming the key and where
     * it was written ({@code agent.yaml:7: pluginsDir: D:\kms-plugins does not exist}).
     *
     * @throws UsageException so, or as {@link #get()}
     */
    void checkPluginsDirectory() {
        try {
            PluginsDirSetting.check(loaded());
        } catch (ConfigException e) {
            throw new UsageException(
                    e.errors().size() == 1 ? e.errors().get(0) : "invalid configuration:" + oneLineEach(e.errors()));
        }
    }

    /** One problem a line, as run prints them (docs/configuration.md, "Validation"). */
    private static String oneLineEach(List<String> errors) {
        return errors.size() == 1 ? " " + errors.get(0) : "\n  " + String.join("\n  ", errors);
    }

    private synchronized ConfigLoader.Loaded loaded() {
        if (config == null) {
            config = read();
        }
        return config;
    }

    private ConfigLoader.Loaded read() {
        Optional<Path> file;
        try {
            file = ConfigFile.choose(given, OPTION, environment);
        } catch (ConfigException e) {
            throw new UsageException(String.join("; ", e.errors())); // each names where the file was named
        }
        try {
            return new ConfigLoader(environment).withoutSecrets().loadLocated(file, List.of());
        } catch (ConfigException e) {
            String source = given != null ? OPTION + " " : ConfigFile.VARIABLE + "=";
            throw new UsageException("the agent's configuration"
                    + file.map(f -> " (" + source + f + ")").orElse("")
                    + " cannot be read:" + oneLineEach(e.errors()));
        }
    }
}
