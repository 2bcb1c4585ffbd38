package org.kmsagent.agent.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a damaged file of the data directory aside as {@code <name>.damaged-<UTC time>} (as {@code daemon.StateStore}
 * does for state.json), with {@code -2}, {@code -3}… when that name is taken: never deleted, never overwritten, so
 * that what it held can still be looked at. The copy is made {@link OwnerOnly} whatever mode the file had: it may hold
 * what was a secret (an admin token written by hand, readable by all). See docs/operations.md, "Damaged files in the
 * data directory". Here in core, below the daemon and its dial-out link, because both move files aside.
 */
public final class DamagedFiles {
    private static final Logger LOG = LoggerFactory.getLogger(DamagedFiles.class);

    private DamagedFiles() {}

    /** Moves {@code file} aside; returns where it went. */
    public static Path moveAside(Path file, Clock clock) throws IOException {
        Path aside = AsideName.free(file, ".damaged-", clock);
        Files.move(file, aside);
        try {
            OwnerOnly.file(aside);
        } catch (IOException e) {
            // Another account's file (the folder lets this one move it, not change its mode): said, not fatal, since
            // the agent must still start with what it can recover.
            LOG.warn("{} keeps the permissions it had, which cannot be changed: {}", aside, e.toString());
        }
        return aside;
    }
}
