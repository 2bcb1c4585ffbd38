package org.kmsagent.agent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.core.BoundedInput;

/**
 * Which configuration file a command reads, for every command that reads one ({@code run}, {@code hub}, the Windows
 * service, and {@code status}, {@code doctor}, {@code products}, {@code gvlk}): the file given explicitly
 * ({@code --config FILE}, the service's argument), else the one {@value #VARIABLE} names, else none (every key has its
 * default; docs/configuration.md).
 *
 * <p>An empty or blank {@value #VARIABLE} is not set: {@code set KMSAGENT_CONFIG=} is how cmd.exe unsets a variable,
 * and a blank value is a common leftover of an MSI, GPO or systemd {@code Environment} line. Read as a path, it would
 * name the working directory. An explicitly given empty file ({@code --config ""}) is a mistake in that command line,
 * and refused naming it.
 */
public final class ConfigFile {
    /** The environment variable that names the configuration file when none is given explicitly. */
    public static final String VARIABLE = "KMSAGENT_CONFIG";

    private ConfigFile() {}

    /**
     * The configuration file to read.
     *
     * @param given the file given explicitly, as written; null when not given
     * @param givenAs how a refusal names what was given, e.g. {@code --config}
     * @param environment the process's environment
     * @return the file, or empty for none (the defaults, with the {@code KMSAGENT_*} overrides)
     * @throws ConfigException naming {@code givenAs} when the given file is empty or blank, or naming
     *     {@value #VARIABLE} or {@code givenAs} when what it names is not a path on this system
     */
    public static Optional<Path> choose(String given, String givenAs, Map<String, String> environment)
            throws ConfigException {
        if (given != null) {
            if (given.isBlank()) {
                throw new ConfigException(givenAs + ": is empty; name the YAML configuration file, or leave " + givenAs
                        + " out for " + VARIABLE + " or the defaults");
            }
            return Optional.of(path(given, givenAs));
        }
        return fromEnvironment(environment);
    }

    /**
     * The configuration file {@value #VARIABLE} names, for a command that takes none explicitly.
     *
     * @return the file, or empty when the variable is not set, empty or blank
     * @throws ConfigException naming {@value #VARIABLE} when its value is not a path on this system
     */
    public static Optional<Path> fromEnvironment(Map<String, String> environment) throws ConfigException {
        String named = environment.get(VARIABLE);
        if (named == null || named.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(path(named, VARIABLE));
    }

    private static Path path(String text, String source) throws ConfigException {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException(source + ": not a file path: " + BoundedInput.shownPath(text) + " ("
                    + BoundedInput.reason(e.getReason()) + ")");
        }
    }
}
