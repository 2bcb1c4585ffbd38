package org.kmsagent.agent.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files for what the agent and the hub keep (their data directory: state, tokens, TLS key, audit log,
 * outbox): readable by the account that runs them only, as docs/configuration.md asks of the data directory. On POSIX
 * a folder made here is {@code rwx------} and a file {@code rw-------}; a folder that exists keeps the permissions its
 * administrator gave it. On Windows the folder inherits its parent's access list (the MSI's %ProgramData%\kms-agent is
 * the service's and administrators'), and its files the folder's.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /** Makes {@code dir} and the missing folders above it, each owner-only where the file system has POSIX modes. */
    public static Path directories(Path dir) throws IOException {
        if (posix(dir)) {
            FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            return Files.createDirectories(dir, owner);
        }
        return Files.createDirectories(dir);
    }

    /**
     * The attributes to create {@code file} with: {@code rw-------} where the file system has POSIX modes, none
     * elsewhere. They apply only when the file is created.
     */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return posix(file)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }

    /**
     * Makes {@code file} anew, empty and owner-only from its first moment, replacing what is there (the temporary file
     * of a write that is then moved into place: a leftover of a killed write may have had another mode).
     */
    public static Path freshFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        return Files.createFile(file, fileAttributes(file));
    }

    /** Makes an existing file {@code rw-------} where the file system has POSIX modes; elsewhere leaves it. */
    public static void file(Path file) throws IOException {
        if (posix(file)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
