package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.core.OwnerOnly;

/** The data folder's lock file is made as the folder's other files are: its account's alone. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX modes; on Windows the folder's ACL protects the file")
class DataFolderLockTest {
    @TempDir
    Path dir;

    @Test
    void theLockFileIsMadeOwnerOnlyAndHoldsTheProcessId() throws Exception {
        Path data = OwnerOnly.directories(dir.resolve("data"));
        try (DataFolderLock lock = DataFolderLock.acquire(data)) {
            Path file = data.resolve(DataFolderLock.FILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(file).strip())
                    .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
        }
    }
}
