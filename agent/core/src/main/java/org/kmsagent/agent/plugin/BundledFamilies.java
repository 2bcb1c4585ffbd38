package org.kmsagent.agent.plugin;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.Installation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product families the installation ships, by plugin id: {@code lib/bundled-plugins.txt}, which the
 * distribution ships beside the jars (its smoke test checks it names exactly the jars in {@code plugins/}), one id per
 * line ({@code #} starts a comment). At start their jars load before any
 * other, so that a jar dropped into the plugins folder whose catalog clashes with a bundled family's (a GVLK or an
 * edition name of its own reused) is the one refused, whatever the two files are called (docs/plugin-guide.md,
 * "Installing and checking it"). The agent's code names no family: the list is the installation's data.
 *
 * <p>A missing list (an agent run from the build's class path, a test) is an empty one: the jars then load in file
 * name order; from an installation (the launcher sets {@code kmsagent.home}) that is logged. An unreadable one is
 * logged and taken as empty too: the plugins still load.
 */
@Singleton
public final class BundledFamilies {
    /** The list's file name in the installation's {@code lib/}. */
    public static final String FILE_NAME = "bundled-plugins.txt";

    private static final Logger log = LoggerFactory.getLogger(BundledFamilies.class);

    /** A list of a few dozen ids; anything larger is no such list. */
    private static final int MAX_BYTES = 64 * 1024;

    private final Set<String> ids;

    /** The installation's list ({@link Installation#home()}{@code /lib/bundled-plugins.txt}). */
    @Inject
    public BundledFamilies() {
        this(read(Installation.home().resolve("lib").resolve(FILE_NAME)));
    }

    /** A list given as it is (tests, and an agent embedded elsewhere). */
    public BundledFamilies(Set<String> ids) {
        this.ids = Set.copyOf(ids);
    }

    /** No family loads ahead of the others: every jar in file name order. */
    public static BundledFamilies none() {
        return new BundledFamilies(Set.of());
    }

    /** Whether the installation ships the family of this plugin id. */
    public boolean contains(String pluginId) {
        return ids.contains(pluginId);
    }

    /** The ids the list names. */
    public Set<String> ids() {
        return ids;
    }

    /** The ids a list file names; none when there is no file or it cannot be read (logged). */
    static Set<String> read(Path file) {
        List<String> lines;
        try {
            // As every file of the user's is read: bounded, and without the BOM an editor on Windows writes.
            lines = BoundedInput.readText(file, MAX_BYTES).lines().toList();
        } catch (NoSuchFileException absent) {
            if (System.getProperty("kmsagent.home") != null) {
                log.warn("{} is missing: the bundled families load in file name order with the other plugins", file);
            }
            return Set.of();
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "cannot read {} ({}): the bundled families load in file name order with the other plugins",
                    file,
                    BoundedInput.printable(e.toString()));
            return Set.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String line : lines) {
            int comment = line.indexOf('#');
            String id = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }
}
