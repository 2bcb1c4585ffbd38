package org.kmsagent.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's side of the application class-data archive its launchers make (docs/performance.md, "JVM flags chosen
 * for the agent"): {@code bin/kms-agent}, {@code kms-agent.cmd} and the Windows service host start the first real
 * run with {@code -XX:ArchiveClassesAtExit=<pending>} and the property {@value #PENDING_PROPERTY}; the JVM writes the
 * archive at exit whatever the run did, so the agent says here that it really started, and only then does the next
 * start keep the archive. An archive written by {@code run --help} or a refused configuration holds a tenth of the
 * classes and would slow every later start.
 */
public final class ClassDataArchive {
    /** The pending archive's path, given by the launcher. */
    public static final String PENDING_PROPERTY = "kmsagent.cds.pending";

    private ClassDataArchive() {}

    /**
     * Removes the real run's mark, when this process is a second {@code run} refused because an agent already runs on
     * the data folder: both were given the same pending archive, this one writes it at its exit (a tenth of the
     * classes), and the running agent's mark would have the next start keep it for good, leaving the real archive the
     * running agent writes later pending for ever. Without the mark, the next start drops what is pending and the
     * next real run makes the archive again: slower once, never wrong.
     */
    public static void forgetRealRun() {
        String pending = System.getProperty(PENDING_PROPERTY);
        if (pending == null || pending.isBlank()) {
            return;
        }
        try {
            Files.deleteIfExists(Path.of(pending + ".real"));
        } catch (IOException | RuntimeException e) {
            // Left: at worst the smaller archive is kept, as before.
        }
    }

    /** Marks the pending archive as a real run's ({@code <pending>.real}); without the launcher's property, nothing. */
    public static void markRealRun() {
        String pending = System.getProperty(PENDING_PROPERTY);
        if (pending == null || pending.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(pending + ".real"), "");
        } catch (IOException | RuntimeException e) {
            // Without the mark the archive is dropped and made again by the next run: slower, never wrong.
        }
    }
}
