package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.kmsagent.agent.host.HostFixtures.T0;
import static org.kmsagent.agent.host.HostFixtures.fullHost;
import static org.kmsagent.agent.host.HostFixtures.office2013;
import static org.kmsagent.agent.host.HostFixtures.server;
import static org.kmsagent.agent.host.HostFixtures.windows10;
import static org.kmsagent.agent.host.HostFixtures.windows7;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2 ledger under the host: reopening a file, schema versions, and the in-memory mode's batches. */
class H2ActivationLedgerTest {
    @TempDir
    Path dir;

    @Test
    void reopenedLedgerFileHasEveryEntryThresholdAndHistoryRecord() {
        Path file = dir.resolve("ledger");
        List<KmsResponse> answers = new ArrayList<>();
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(file)) {
            LedgerKmsHost host = new LedgerKmsHost(fullHost(), ledger);
            for (int m = 1; m <= 4; m++) {
                answers.add(host.handle(server(m, T0.plusSeconds(m)), T0.plusSeconds(m)));
            }
            answers.add(host.handle(windows7(5, T0.plusSeconds(5)), T0.plusSeconds(5)));
            answers.add(host.handle(office2013(6, T0.plusSeconds(6)), T0.plusSeconds(6)));
            answers.add(host.handle(windows7(7, T0.minus(Duration.ofHours(5))), T0.plusSeconds(7)));
        }
        assertThat(answers).extracting(KmsResponse::count).containsExactly(1, 2, 3, 4, 5, 1, 0);

        try (H2ActivationLedger reopened = H2ActivationLedger.openFile(dir.resolve("ledger.mv.db"))) {
            LedgerKmsHost host = new LedgerKmsHost(fullHost(), reopened);
            Instant later = T0.plusSeconds(60);
            assertThat(host.count("windows", later)).isEqualTo(5);
            assertThat(host.count("office2013", later)).isEqualTo(1);
            assertThat(host.capacity("windows")).isEqualTo(50);
            assertThat(host.entries("windows", later))
                    .extracting(PoolEntry::machineName)
                    .containsExactly("pc-1", "pc-2", "pc-3", "pc-4", "pc-5");
            assertThat(host.entries("windows", later).get(0).lastSeen()).isEqualTo(T0.plusSeconds(1));
            assertThat(host.history(0, 100)).hasSize(7);
            assertThat(host.history(0, 1).get(0).result().hex()).isEqualTo("0xC004F06C");
            // the next request continues the count where the first process left it
            assertThat(host.handle(server(8, later), later).count()).isEqualTo(6);
        }
    }

    @Test
    void ledgerWrittenByANewerSchemaIsRefusedWithoutTouchingIt() throws Exception {
        Path file = dir.resolve("newer");
        H2ActivationLedger.openFile(file).close();
        try (Connection c = DriverManager.getConnection(H2ActivationLedger.fileUrl(file.toString()), "sa", "");
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_version (version, applied_at) VALUES ("
                    + (H2ActivationLedger.SCHEMA_VERSION + 1) + ", CURRENT_TIMESTAMP)");
        }

        Path onDisk = dir.resolve("newer.mv.db");
        byte[] before = Files.readAllBytes(onDisk);
        FileTime modified = Files.getLastModifiedTime(onDisk);

        assertThatThrownBy(() -> H2ActivationLedger.openFile(file))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("newer.mv.db")
                .hasMessageContaining("schema version " + (H2ActivationLedger.SCHEMA_VERSION + 1));
        // Not a byte of it rewritten, as the refusal promises (opened for writing, H2 rewrote its header).
        assertThat(Files.readAllBytes(onDisk)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(onDisk)).isEqualTo(modified);
    }

    @Test
    void aTruncatedLedgerIsDamageNotAFileInUseAndIsNotWrittenOver() throws Exception {
        // A walkthrough cut a ledger to 8 KiB: the read-only schema check failed on it and left H2's lock held in this
        // JVM, so the real open said "Database may be already in use" and the host role stayed off at every start;
        // opened for writing instead, H2 made an empty ledger over what was left. Damage is what the host role moves
        // aside (HostRoleRunner, operations.md), so it is that.
        Path file = dir.resolve("cut");
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(file)) {
            LedgerKmsHost host = new LedgerKmsHost(fullHost(), ledger);
            for (int i = 0; i < 40; i++) {
                host.handle(windows10(i, T0), T0);
            }
        }
        Path onDisk = dir.resolve("cut.mv.db");
        try (var channel = java.nio.channels.FileChannel.open(onDisk, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(Math.min(8192, channel.size() / 2));
        }
        byte[] cut = Files.readAllBytes(onDisk);

        assertThatThrownBy(() -> H2ActivationLedger.openFile(file))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("cut.mv.db: damaged")
                .satisfies(e -> {
                    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                        if (c instanceof java.sql.SQLException sql) {
                            assertThat(sql.getErrorCode()).as("not 'in use'").isNotEqualTo(90020);
                        }
                    }
                });
        assertThat(Files.readAllBytes(onDisk)).isEqualTo(cut);
        // Nothing of it stays open here: the host role can move it aside and make a new ledger in its place.
        Files.move(onDisk, dir.resolve("cut.mv.db.damaged"));
        H2ActivationLedger.openFile(file).close();
    }

    @Test
    void anEmptyLedgerFileBecomesANewLedger() throws Exception {
        // A read-only look at an empty file left it open in this JVM (H2 writes a header first), and the open for
        // writing then called it in use.
        Path file = dir.resolve("empty");
        Files.createFile(dir.resolve("empty.mv.db"));

        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(file)) {
            assertThat(new LedgerKmsHost(fullHost(), ledger)
                            .handle(windows10(1, T0), T0)
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void aDamagedLedgerIsNamedByItsFileNotByAJavaObject() throws Exception {
        // The banner read "damaged (Reading from file sun.nio.ch.FileChannelImpl@40ada3c9 failed at 1000 ...)".
        Path file = dir.resolve("ledger.mv.db");
        Files.writeString(file, "x".repeat(1000));

        assertThatThrownBy(() -> H2ActivationLedger.openFile(file))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("ledger.mv.db: damaged (Reading from file ledger.mv.db failed at 1000")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("@[0-9a-f]{4,}"));
    }

    @Test
    void fileThatIsNotAnH2DatabaseGetsAClearError() throws Exception {
        Path file = dir.resolve("junk.mv.db");
        Files.writeString(file, "this is not a database");

        assertThatThrownBy(() -> H2ActivationLedger.openFile(file))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("junk.mv.db: damaged");
        assertThat(Files.readString(file)).isEqualTo("this is not a database");
        // H2's own trace of the failure (stack traces, 0644, never rotated) is not left in the data folder.
        assertThat(dir.resolve("junk.trace.db")).doesNotExist();
    }

    @Test
    void theLedgerFileIsItsOwnersOnlyAsTheDataFolderIsWhereModesExist() throws Exception {
        Path file = dir.resolve("ledger");
        H2ActivationLedger.openFile(file).close();

        Path written = dir.resolve("ledger.mv.db");
        assumeTrue(written.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX modes");
        // H2 made it with the umask's 0644: the machines and CMIDs of the host's clients, readable by every user.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
                .isEqualTo("rw-------");
    }

    @Test
    void inMemoryFileAndPlainMemoryLedgersGiveTheSameAnswersOverManyBatches() {
        // more requests than one in-memory batch, with renewals, expiry, eviction and refusals mixed in
        Random random = new Random(7);
        List<String> memoryAnswers = new ArrayList<>();
        List<String> fileAnswers = new ArrayList<>();
        List<String> plainAnswers = new ArrayList<>();
        try (H2ActivationLedger memory = H2ActivationLedger.inMemory();
                H2ActivationLedger onFile = H2ActivationLedger.openFile(dir.resolve("same"));
                MemoryActivationLedger plain = new MemoryActivationLedger()) {
            LedgerKmsHost a = new LedgerKmsHost(fullHost(), memory);
            LedgerKmsHost b = new LedgerKmsHost(fullHost(), onFile);
            LedgerKmsHost c = new LedgerKmsHost(fullHost(), plain);
            Instant now = T0;
            int requests = H2ActivationLedger.MEMORY_BATCH * 2 + 100;
            for (int i = 0; i < requests; i++) {
                now = now.plus(Duration.ofMinutes(random.nextInt(180)));
                int machine = random.nextInt(120);
                Instant clientTime = random.nextInt(50) == 0 ? now.plus(Duration.ofHours(5)) : now;
                KmsRequest r = switch (machine % 4) {
                    case 0 -> server(machine, clientTime);
                    case 1 -> windows7(machine, clientTime);
                    case 2 -> windows10(machine, clientTime);
                    default -> office2013(machine, clientTime);
                };
                KmsResponse x = a.handle(r, now);
                KmsResponse y = b.handle(r, now);
                KmsResponse z = c.handle(r, now);
                memoryAnswers.add(x.result().hex() + "/" + x.count());
                fileAnswers.add(y.result().hex() + "/" + y.count());
                plainAnswers.add(z.result().hex() + "/" + z.count());
            }
            assertThat(memoryAnswers).isEqualTo(fileAnswers).isEqualTo(plainAnswers);
            assertThat(plain.historySize()).isEqualTo(onFile.historySize());
            // The same entries; two seen at the same instant may come in either order.
            assertThat(plain.storedEntries()).containsExactlyInAnyOrderElementsOf(onFile.storedEntries());
            assertThat(plain.storedHighestThresholds()).isEqualTo(onFile.storedHighestThresholds());
            assertThat(memoryAnswers).contains("0x00000000/50", "0xC004F06C/0");
            assertThat(memory.historySize()).isEqualTo(requests);
            assertThat(memory.storedEntries()).isEqualTo(onFile.storedEntries());
            assertThat(memory.storedHighestThresholds()).isEqualTo(onFile.storedHighestThresholds());
            // a host rebuilt from the in-memory ledger's tables counts the same as the one that wrote them
            LedgerKmsHost rebuilt = new LedgerKmsHost(fullHost(), memory);
            assertThat(rebuilt.entries("windows", now)).isEqualTo(a.entries("windows", now));
        }
    }
}
