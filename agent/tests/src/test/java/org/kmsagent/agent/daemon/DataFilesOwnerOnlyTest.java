package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.licensing.CallTimeouts;
import org.kmsagent.agent.licensing.CallTimeoutsFile;
import org.kmsagent.agent.link.Outbox;

/**
 * The files the agent writes into its data folder besides state, token and key are its account's alone too
 * (docs/configuration.md): the fleet outbox, its acknowledgement and the licensing-call record are {@code rw-------}
 * whatever the umask, as every other file there is.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX modes; on Windows the folder's ACL protects the files")
class DataFilesOwnerOnlyTest {
    @TempDir
    Path dir;

    /**
     * Under a umask of 077 every new file is owner-only whatever the agent does, and these tests could not fail: they
     * are skipped then, saying why (the build's and CI's umask is 022).
     */
    @BeforeEach
    void theUmaskLetsOthersRead() throws Exception {
        Path plain = Files.createFile(dir.resolve("plain"));
        var modes = Files.getPosixFilePermissions(plain);
        Files.delete(plain);
        assumeTrue(
                modes.contains(PosixFilePermission.GROUP_READ) || modes.contains(PosixFilePermission.OTHERS_READ),
                "this process's umask already makes new files owner-only (" + PosixFilePermissions.toString(modes)
                        + "): the agent's own modes cannot be told apart");
    }

    @Test
    void theFleetOutboxAndItsAcknowledgementAreOwnerOnly() throws Exception {
        Path fleet = dir.resolve("fleet");
        try (Outbox o = new Outbox(fleet, "pc-0042")) {
            o.append("a", "2026-03-01T00:00:00Z", new JsonObject().put("n", 1));
            o.append("b", "2026-03-01T00:00:01Z", new JsonObject().put("n", 2));
            o.acknowledge(1);
        }
        // Before: -rw-r--r-- (the umask's), the only files there readable by every account with the acknowledgement.
        assertOwnerOnly(fleet.resolve("fleet-outbox.jsonl"));
        assertOwnerOnly(fleet.resolve("fleet-outbox.acked"));
        assertOwnerOnly(fleet.resolve("fleet-outbox.owner"));
    }

    @Test
    void theLicensingCallRecordIsOwnerOnly() throws Exception {
        CallTimeoutsFile.write(
                dir,
                new CallTimeouts(
                        Instant.parse("2026-03-02T09:00:00Z"),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(120),
                        1,
                        0,
                        Map.of("activate", 1L),
                        Optional.of("activate"),
                        Optional.of(Instant.parse("2026-03-02T09:10:00Z"))));
        // Before: -rw-r--r--.
        assertOwnerOnly(dir.resolve(CallTimeoutsFile.NAME));
    }

    private static void assertOwnerOnly(Path file) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .as(file.toString())
                .isEqualTo("rw-------");
    }
}
