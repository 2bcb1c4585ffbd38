package org.kmsagent.agent.bus.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.core.SmallHeapJvm;

/** The audit log file on its own: append-only across reopenings, damage skipped, rotation bounded, owner-only. */
class AuditLogTest {
    @TempDir
    Path dir;

    final Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    static AuditRecord record(String action) {
        return new AuditRecord(
                null,
                "ops",
                null,
                "127.0.0.1",
                action,
                new JsonObject().put("family", "office2013"),
                AuditRecord.OK,
                null,
                null);
    }

    static List<String> actions(AuditLog.Page page) {
        return page.records().stream().map(AuditRecord::action).toList();
    }

    /**
     * A log in {@code dir} that rotates once its file holds two records like {@code record("kmsagent.activat0")} (one
     * record's line, twice), keeping {@code keptFiles} rotated files.
     */
    AuditLog twoRecordsAFile(int keptFiles) {
        long lineBytes =
                (record("kmsagent.activate").at(clock.instant()).toJson().encode() + "\n").length();
        return new AuditLog(dir.resolve("audit.log"), clock, lineBytes * 2, keptFiles);
    }

    /** Records {@code kmsagent.activat<i>} for each {@code i} from {@code from} to {@code to - 1}, in order. */
    static void recordNumbered(AuditLog log, int from, int to) {
        for (int i = from; i < to; i++) {
            log.record(record("kmsagent.activat" + i));
        }
    }

    /** The actions {@link #recordNumbered} records for the same range. */
    static String[] numbered(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "kmsagent.activat" + i).toArray(String[]::new);
    }

    @Test
    void recordsStayAcrossReopeningAndNewOnesFollowThem() throws Exception {
        try (AuditLog log = AuditLog.in(dir, clock)) {
            log.record(record("kmsagent.activate"));
        }
        try (AuditLog log = AuditLog.in(dir, clock)) {
            log.record(record("kmsagent.kms.set"));
            AuditLog.Page page = log.read(null, 100).get(10, TimeUnit.SECONDS);
            assertThat(actions(page)).containsExactly("kmsagent.activate", "kmsagent.kms.set");
            assertThat(page.records().get(0).at()).isEqualTo(clock.instant());
        }
    }

    @Test
    void aDamagedLineIsSkippedAndCountedAndTheLogGoesOn() throws Exception {
        try (AuditLog log = AuditLog.in(dir, clock)) {
            log.record(record("kmsagent.activate"));
        }
        // An edit, a torn write without its newline: neither stops the log.
        Files.writeString(
                dir.resolve("audit.log"),
                "this is not json\n{\"at\":\"yesterday\"}\n{\"actor\":\"ha",
                StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.in(dir, clock)) {
            log.record(record("kmsagent.kms.clear"));
            AuditLog.Page page = log.read(null, 100).get(10, TimeUnit.SECONDS);
            assertThat(actions(page)).containsExactly("kmsagent.activate", "kmsagent.kms.clear");
            assertThat(page.skipped()).isEqualTo(3);
        }
    }

    /**
     * A line far longer than any record (40 MB without a newline, as a walkthrough left it) is skipped and counted in
     * the current file and in a rotated one, in the heap the agent runs with: {@code ctl audit --limit 1} answered
     * "java.lang.OutOfMemoryError: Java heap space (code 500)" while the line was read whole.
     */
    @Test
    void aLineLongerThanAnyRecordIsSkippedWithoutBeingHeldInTheCurrentAndARotatedFile() throws Exception {
        String line = record("kmsagent.activate").at(clock.instant()).toJson().encode() + "\n";
        Path rotated = Files.writeString(dir.resolve("audit.log.1"), line);
        SmallHeapJvm.appendFiller(rotated, 40L * 1024 * 1024);
        Files.writeString(rotated, "\n" + line.replace("activate", "kms.set"), StandardOpenOption.APPEND);
        Path current = Files.writeString(dir.resolve("audit.log"), line.replace("activate", "kms.clear"));
        SmallHeapJvm.appendFiller(current, 40L * 1024 * 1024);

        SmallHeapJvm.Result all = SmallHeapJvm.run(ReadMain.class, dir.toString(), "100");
        assertThat(all.output())
                .as("exit %d", all.exit())
                .contains("records=[kmsagent.activate, kmsagent.kms.set, kmsagent.kms.clear] skipped=2");
        SmallHeapJvm.Result one = SmallHeapJvm.run(ReadMain.class, dir.toString(), "1");
        assertThat(one.output()).as("exit %d", one.exit()).contains("records=[kmsagent.kms.clear] skipped=2");
        assertThat(one.exit()).isZero();
    }

    /** Reads the log in {@code args[0]}, at most {@code args[1]} records, and prints their actions and the skipped. */
    public static final class ReadMain {
        public static void main(String[] args) throws Exception {
            try (AuditLog log = AuditLog.in(Path.of(args[0]), Clock.systemUTC())) {
                AuditLog.Page page = log.read(null, Integer.parseInt(args[1])).get(60, TimeUnit.SECONDS);
                System.out.println("records=" + actions(page) + " skipped=" + page.skipped());
            }
        }
    }

    @Test
    void sinceAndLimitKeepTheNewestInOrder() throws Exception {
        try (AuditLog log = AuditLog.in(dir, clock)) {
            for (int i = 0; i < 5; i++) {
                log.record(record("a" + i).at(Instant.parse("2026-11-2" + (i + 1) + "T00:00:00Z")));
            }
            assertThat(actions(log.read(null, 2).get(10, TimeUnit.SECONDS))).containsExactly("a3", "a4");
            assertThat(actions(
                            log.read(Instant.parse("2026-11-23T00:00:00Z"), 100).get(10, TimeUnit.SECONDS)))
                    .containsExactly("a2", "a3", "a4");
        }
    }

    @Test
    void rotationKeepsTheNewestFilesOnlyAndReadsAcrossThem() throws Exception {
        try (AuditLog log = twoRecordsAFile(2)) {
            recordNumbered(log, 0, 10);
            AuditLog.Page page = log.read(null, 100).get(10, TimeUnit.SECONDS);
            // Two records a file, the current one and two rotated: the six newest.
            assertThat(actions(page)).containsExactly(numbered(4, 10));
        }
        assertThat(dir.resolve("audit.log.1")).exists();
        assertThat(dir.resolve("audit.log.2")).exists();
        assertThat(dir.resolve("audit.log.3")).doesNotExist();
    }

    @Test
    void aRotationThatCannotBeDoneLeavesTheLogWritingToItsFileAndIsTriedAgain() throws Exception {
        // What a rotated file held open on Windows does to the rename: here a folder in its place, not empty.
        Path held = Files.createDirectories(dir.resolve("audit.log.1").resolve("held"));
        try (AuditLog log = twoRecordsAFile(1)) {
            recordNumbered(log, 0, 4);
            // Each one written: before, the first failed rotation left the file closed, and every record after it
            // went to the log's WARN lines only, for good.
            assertThat(actions(log.read(null, 100).get(10, TimeUnit.SECONDS))).containsExactly(numbered(0, 4));

            Files.delete(held);
            Files.delete(held.getParent());
            log.record(record("kmsagent.activat4"));
            assertThat(actions(log.read(null, 100).get(10, TimeUnit.SECONDS)))
                    .as("rotated once it could be: the file held four, now in audit.log.1")
                    .containsExactly(numbered(0, 5));
        }
        assertThat(dir.resolve("audit.log.1")).isRegularFile();
        assertThat(Files.readAllLines(dir.resolve("audit.log"))).hasSize(1);
    }

    @Test
    void whileARotationCannotBeDoneNoOlderFileIsDeletedOrMovedAndTheRecordsStayInOrder() throws Exception {
        try (AuditLog log = twoRecordsAFile(3)) {
            recordNumbered(log, 0, 6);
            log.read(null, 1).get(10, TimeUnit.SECONDS);
        }
        String one = Files.readString(dir.resolve("audit.log.1"));
        String two = Files.readString(dir.resolve("audit.log.2"));
        // The oldest slot cannot be freed (on Windows: held open by a reader).
        Path held = Files.createDirectories(dir.resolve("audit.log.3").resolve("held"));
        try (AuditLog log = twoRecordsAFile(3)) {
            recordNumbered(log, 6, 10);
            // Each failed attempt left every file where it was: shifting in place deleted one older file per record.
            assertThat(actions(log.read(null, 100).get(10, TimeUnit.SECONDS))).containsExactly(numbered(0, 10));
            assertThat(Files.readString(dir.resolve("audit.log.1"))).isEqualTo(one);
            assertThat(Files.readString(dir.resolve("audit.log.2"))).isEqualTo(two);
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".rotating"));
            }
        }
    }

    @Test
    void theFileIsTheOwnersOnly() throws Exception {
        try (AuditLog log = AuditLog.in(dir, clock)) {
            log.record(record("kmsagent.activate"));
            log.read(null, 1).get(10, TimeUnit.SECONDS);
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit.log"))))
                    .isEqualTo("rw-------");
        }
        assertThat(Files.readString(dir.resolve("audit.log"), StandardCharsets.UTF_8))
                .endsWith("\n");
    }

    @Test
    void anExistingLogAndItsRotatedFilesWithLooseModesAreMadeTheOwnersOnlyAtOpening() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX modes");
        // chmod 644 while the agent was stopped (or a restore): it stayed 0644 at every start, the ledger was
        // tightened.
        try (AuditLog log = twoRecordsAFile(2)) {
            recordNumbered(log, 0, 3);
            log.read(null, 1).get(10, TimeUnit.SECONDS);
        }
        Path current = dir.resolve("audit.log");
        Path rotated = dir.resolve("audit.log.1");
        for (Path f : List.of(current, rotated)) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }

        try (AuditLog log = twoRecordsAFile(2)) {
            for (Path f : List.of(current, rotated)) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .as(f.toString())
                        .isEqualTo("rw-------");
            }
            // And carries on after the last line, as at any opening.
            assertThat(actions(log.read(null, 100).get(10, TimeUnit.SECONDS))).containsExactly(numbered(0, 3));
        }
    }

    @Test
    void aReplyThatFailedOnSomeProductOrAgentCountsAsFailed() {
        JsonObject results = new JsonObject()
                .put(
                        "results",
                        new JsonArray().add(new JsonObject().put("ok", true)).add(new JsonObject().put("ok", false)));
        assertThat(AuditRecord.failedProducts(results)).isEqualTo("1 of 2 product(s) failed");
        JsonObject routed = new JsonObject()
                .put("answered", new JsonArray().add(new JsonObject().put("ok", true)))
                .put("notAnswered", new JsonArray().add(new JsonObject().put("agentId", "pc-9")));
        assertThat(AuditRecord.failedProducts(routed))
                .isEqualTo("1 agent(s) did not answer (each agent's own record says whether it made the change)");
        // An agent that answered an activate with nothing matched (a client asked for windows-server): ctl exits 1
        // for it, and the hub's record of the routed change said ok.
        JsonObject nothingMatched = new JsonObject()
                .put(
                        "answered",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("ok", true)
                                        .put("reply", new JsonObject().put("results", new JsonArray())))
                                .add(new JsonObject()
                                        .put("ok", true)
                                        .put(
                                                "reply",
                                                new JsonObject()
                                                        .put(
                                                                "results",
                                                                new JsonArray()
                                                                        .add(new JsonObject().put("ok", true))))))
                .put("notAnswered", new JsonArray());
        assertThat(AuditRecord.failedProducts(nothingMatched)).isEqualTo("1 agent(s) failed");
        assertThat(AuditRecord.failedProducts(new JsonObject().put("kms", "kms.corp.example:1688")))
                .isNull();
    }

    @Test
    void keysAreMaskedToTheirLastFiveAndSecretsLeftOut() {
        JsonObject target = AuditTargets.of(new JsonObject()
                .put("family", "office2013")
                .put("key", "YC7DK-G2NP3-2QQC3-J6H88-GVGXT")
                .put("token", "kma1.pc-7.secret")
                .put("body", new JsonObject().put("productKey", "ABC").put("hostKey", "not-a-k\ney")));
        assertThat(target.encode()).doesNotContain("YC7DK", "secret", "ABC", "\\n");
        assertThat(target.getString("key")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-GVGXT");
        // Shown as tables show a partial key that is not five characters (it was "XXXXX" here, "?????" there).
        assertThat(target.getString("productKey")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-?????");
        assertThat(target.getString("hostKey")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-?????");
        assertThat(target.getString("family")).isEqualTo("office2013");
    }

    @Test
    void aKeyInAFieldNotNamedKeyOrInTheReasonIsMaskedToo() {
        String key = "BCDFG-HJKMP-QRTVW-XY234-6789B";
        JsonObject target = AuditTargets.of(new JsonObject()
                .put("family", key)
                .put("host", "bcdfghjkmpqrtvwxy23467893")
                .put("body", new JsonObject().put("agentId", "pc-1 " + key).put(key, 1)));
        AuditRecord r = new AuditRecord(
                null,
                "ops",
                null,
                "127.0.0.1",
                "kmsagent.install-gvlk",
                target,
                AuditRecord.FAILED,
                "no loaded family '" + key + "' (loaded: office2013)",
                404);
        assertThat(r.toJson().encode()).doesNotContain("BCDFG", "HJKMP-QRTVW", "bcdfghjkmp");
        assertThat(target.getString("family")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-6789B");
        assertThat(target.getString("host")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-67893");
        assertThat(target.getString("agentId")).isEqualTo("pc-1 XXXXX-XXXXX-XXXXX-XXXXX-6789B");
        assertThat(r.reason()).isEqualTo("no loaded family 'XXXXX-XXXXX-XXXXX-XXXXX-6789B' (loaded: office2013)");
    }
}
