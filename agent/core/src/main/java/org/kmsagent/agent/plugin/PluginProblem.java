package org.kmsagent.agent.plugin;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin the agent could not load, and why. The agent carries on with the others.
 *
 * @param jar the jar it came from
 * @param pluginId the plugin id, if the descriptor could be read
 * @param reason what is wrong, in words an administrator can act on
 */
public record PluginProblem(Path jar, Optional<String> pluginId, String reason) {
    public PluginProblem {
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code <jar file name> (plugin x): reason}. */
    public String message() {
        return jar.getFileName() + pluginId.map(id -> " (plugin " + id + ")").orElse("") + ": " + reason;
    }
}
