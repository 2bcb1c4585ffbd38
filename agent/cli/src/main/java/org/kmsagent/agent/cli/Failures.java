package org.kmsagent.agent.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** A failure no command caught, said in one line that names what failed, for the command line's last resort. */
final class Failures {
    private Failures() {}

    /**
     * The failure's message; for a file-system failure, whose message is often the bare path
     * ({@code FileAlreadyExistsException: /tmp/x/afile}), the path and what is wrong with it; for one without a
     * message (a TimeoutException), at least its kind.
     */
    static String describe(Throwable ex) {
        if (ex instanceof FileSystemException fs && fs.getFile() != null) {
            String what = fs.getReason() != null
                    ? fs.getReason()
                    : ex instanceof NotDirectoryException
                            ? "not a directory"
                            : ex instanceof FileAlreadyExistsException
                                    ? "already exists, and is not what was to be made there (a file where a "
                                            + "directory is needed?)"
                                    : ex instanceof NoSuchFileException
                                            ? "does not exist"
                                            : ex instanceof AccessDeniedException
                                                    ? "access denied to this account"
                                                    : ex instanceof DirectoryNotEmptyException
                                                            ? "directory not empty"
                                                            : "cannot be used";
            String other = fs.getOtherFile() != null ? " (with " + fs.getOtherFile() + ")" : "";
            return fs.getFile() + other + ": " + what;
        }
        return ex.getMessage() != null ? ex.getMessage() : ex.toString();
    }
}
