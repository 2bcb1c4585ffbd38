package org.kmsagent.agent.plugin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An entry of the plugins folder that looks meant as a plugin but is no jar the host loads (a {@code .zip}, a
 * folder), and why. Told to the administrator, but no {@link PluginProblem}: no plugin failed, and no family is lost.
 *
 * @param path the entry
 * @param reason why it is not loaded, in words an administrator can act on
 */
public record SkippedFile(Path path, String reason) {
    public SkippedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }

    /** The entry's file name, as the plugins folder lists it. */
    public String name() {
        return path.getFileName().toString();
    }

    /** {@code <name>: reason}. */
    public String message() {
        return name() + ": " + reason;
    }
}
