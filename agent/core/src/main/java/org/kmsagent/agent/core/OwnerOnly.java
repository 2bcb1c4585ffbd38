package org.kmsagent.agent.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Folders for what the agent and the hub keep (their data directory: state, tokens, TLS key, audit log, outbox):
 * readable by the account that runs them only, as docs/configuration.md asks of the data directory. On POSIX a
 * folder made here is {@code rwx------}; one that exists keeps the permissions its administrator gave it. On Windows
 * the folder inherits its parent's access list (the MSI's %ProgramData%\kms-agent is the service's and
 * administrators').
 */
public final class OwnerOnly {
    private OwnerOnly() {}

    /** Makes {@code dir} and the missing folders above it, each owner-only where the file system has POSIX modes. */
    public static Path directories(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            return Files.createDirectories(dir, owner);
        }
        return Files.createDirectories(dir);
    }
}
