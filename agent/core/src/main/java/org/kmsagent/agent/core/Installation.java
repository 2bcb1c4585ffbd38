package org.kmsagent.agent.core;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Where kms-agent is installed: the {@code kmsagent.home} system property (the bin scripts set it), else the
 * folder above the {@code lib/} the agent jar was loaded from, else the working directory.
 */
public final class Installation {
    private Installation() {}

    /** The installation folder. */
    public static Path home() {
        String property = System.getProperty("kmsagent.home");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        try {
            CodeSource source = Installation.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                Path jar = Path.of(source.getLocation().toURI());
                Path lib = jar.getParent();
                if (Files.isRegularFile(jar)
                        && lib != null
                        && lib.getFileName().toString().equals("lib")
                        && lib.getParent() != null) {
                    return lib.getParent();
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    /** The default plugins directory: {@code plugins/} beside the installation. */
    public static Path defaultPluginsDirectory() {
        return home().resolve("plugins");
    }
}
