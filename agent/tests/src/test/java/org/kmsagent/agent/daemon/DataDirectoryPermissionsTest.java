package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The data directory the agent makes holds its admin token, TLS key and state: its account's alone. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX modes; on Windows the folder inherits its parent's ACL")
class DataDirectoryPermissionsTest {
    @TempDir
    Path dir;

    @Test
    void theFoldersTheAgentMakesAreOwnerOnlyAndOnesThatExistAreLeftAsGiven() throws Exception {
        Path given = Files.createDirectories(dir.resolve("given"));
        Files.setPosixFilePermissions(given, PosixFilePermissions.fromString("rwxr-x---"));
        Path data = given.resolve("data");
        try (AgentFixture agent = AgentFixture.start(data)) {
            assertThat(agent.daemon.bridgePort()).isPositive();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        try (var made = Files.list(data)) {
            List<Path> folders = made.filter(Files::isDirectory).toList();
            assertThat(folders)
                    .as("the bridge's TLS material has a folder of its own")
                    .isNotEmpty();
            for (Path p : folders) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                        .as(p.toString())
                        .isEqualTo("rwx------");
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(given)))
                .isEqualTo("rwxr-x---");
    }
}
