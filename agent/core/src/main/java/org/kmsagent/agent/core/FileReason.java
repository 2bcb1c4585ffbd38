package org.kmsagent.agent.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file could not be read or written, in the system's words ({@code Permission denied}): Java's exception for a
 * file often holds only the file's path, which the message of the command names already (and, for a temporary file,
 * a name the user never gave).
 */
public final class FileReason {
    private FileReason() {}

    /** {@code Permission denied}, {@code No such file or directory}, {@code No space left on device}, … */
    public static String of(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
