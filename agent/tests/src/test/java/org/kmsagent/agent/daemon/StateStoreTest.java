package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    /** Far more saves than a writer makes before it is killed; the most one makes when nothing kills it. */
    private static final int MAX_SAVES = 100_000;

    @TempDir
    Path dir;

    @Test
    void aSavedStateIsLoadedBackWithTheNextRevision() throws Exception {
        StateStore store = new StateStore(dir.resolve("state.json"), CLOCK);
        assertThat(store.load()).isEqualTo(AgentState.empty());
        ProductSchedule s = new ProductSchedule(
                Instant.parse("2026-12-05T12:00:00Z"),
                Instant.parse("2027-05-27T12:00:00Z"),
                Instant.parse("2026-11-28T12:00:00Z"),
                "0x0 ok");
        AgentState saved = store.save(AgentState.empty().with("office2013/b322da9c", s));
        assertThat(saved.revision()).isEqualTo(1);
        assertThat(new StateStore(dir.resolve("state.json"), CLOCK).load()).isEqualTo(saved);
        assertThat(Files.exists(dir.resolve("state.json.tmp"))).isFalse();
    }

    @Test
    void aFileWrittenBeforeReadsTheSameAndIsWrittenBackWithTheSameTimes() throws Exception {
        // The text of state.json as the agent wrote it with Jackson's jsr310 module (dates as ISO-8601 text): the
        // agent's own reader of instants must read it, and write each instant back the same, to the nanosecond.
        Path file = Files.writeString(dir.resolve("state.json"), """
                {
                  "revision" : 7,
                  "products" : {
                    "windows-client/73111121" : {
                      "nextDue" : "2026-12-05T12:00:00Z",
                      "validUntil" : "2027-05-27T12:00:00.120Z",
                      "lastAttempt" : "2026-11-28T12:00:00.000000001Z",
                      "lastResult" : "0x0 ok"
                    }
                  },
                  "machine" : null,
                  "hostSettings" : null
                }
                """);
        AgentState loaded = new StateStore(file, CLOCK).load();

        assertThat(loaded.products().get("windows-client/73111121"))
                .isEqualTo(new ProductSchedule(
                        Instant.parse("2026-12-05T12:00:00Z"),
                        Instant.parse("2027-05-27T12:00:00.120Z"),
                        Instant.parse("2026-11-28T12:00:00.000000001Z"),
                        "0x0 ok"));
        new StateStore(file, CLOCK).save(loaded);
        assertThat(Files.readString(file))
                .contains("\"nextDue\" : \"2026-12-05T12:00:00Z\"")
                .contains("\"validUntil\" : \"2027-05-27T12:00:00.120Z\"")
                .contains("\"lastAttempt\" : \"2026-11-28T12:00:00.000000001Z\"");
    }

    @Test
    void aTimeThatIsNotAnInstantMakesTheFileDamagedNamingTheTimeAndWhere() throws Exception {
        Path file = Files.writeString(
                dir.resolve("state.json"),
                "{\"revision\": 2, \"products\": {\"windows-client/x\": {\"nextDue\": \"next tuesday\"}}}");

        assertThatThrownBy(new StateStore(file, CLOCK)::load)
                .hasMessageContaining("is damaged (")
                .hasMessageContaining("next tuesday")
                .hasMessageContaining("not an ISO-8601 instant")
                .hasMessageContaining("products.windows-client/x.nextDue");
    }

    @Test
    void aDamagedFileIsMovedAsideNotLost() throws Exception {
        Path file = Files.writeString(dir.resolve("state.json"), "{\"revision\": 4, \"products\": {");
        StateStore store = new StateStore(file, CLOCK);
        assertThatThrownBy(store::load)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is damaged")
                .hasMessageContaining("state.json.damaged-20261128T120000");
        assertThat(Files.readString(dir.resolve("state.json.damaged-20261128T120000")))
                .isEqualTo("{\"revision\": 4, \"products\": {");
        assertThat(store.load()).isEqualTo(AgentState.empty());
    }

    @Test
    void theDamageIsNamedWithTheLineAndColumnWhereTheFileStopsMakingSense() throws Exception {
        Path file = Files.writeString(dir.resolve("state.json"), "{\n  \"revision\": 4,\n  \"products\": 7\n}\n");

        assertThatThrownBy(new StateStore(file, CLOCK)::load).hasMessageContaining("at products, line 3, column 15)");
    }

    @Test
    void nullEmptyGarbageOrWrongShapedFilesAreMovedAsideUnderNamesNeverReused() throws Exception {
        Path file = dir.resolve("state.json");
        StateStore store = new StateStore(file, CLOCK);
        List<String> contents = List.of("null", "", "\u0000\u0001garbage", "[1, 2]", "{\"products\": 7}");
        for (int i = 0; i < contents.size(); i++) {
            Files.writeString(file, contents.get(i));
            String aside = "state.json.damaged-20261128T120000" + (i == 0 ? "" : "-" + (i + 1));
            assertThatThrownBy(store::load)
                    .as(contents.get(i))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("state file " + file + " is damaged (")
                    .hasMessageEndingWith("moved to " + dir.resolve(aside)
                            + "; the schedules are rebuilt from the licensing service's own state");
            assertThat(Files.readString(dir.resolve(aside))).isEqualTo(contents.get(i));
            assertThat(Files.exists(file)).isFalse();
            assertThat(store.load()).isEqualTo(AgentState.empty());
        }
    }

    @Test
    void theStateIsTheOwnersAloneWhereTheFileSystemHasPosixPermissions() throws Exception {
        assumeTrue(
                dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "no POSIX modes on this file system (Windows): there the state file inherits its folder's access list,"
                        + " which the agent does not set (core.OwnerOnly)");
        Path file = dir.resolve("data").resolve("state.json");
        StateStore store = new StateStore(file, CLOCK);
        store.save(AgentState.empty());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        // A file left readable by an older version is replaced by an owner-only one at the next save.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        store.save(store.load());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void aWriterKilledWithSigkillLeavesAWholeStateThatTheNextOneResumes() throws Exception {
        Path file = dir.resolve("state.json");
        StateStore reader = new StateStore(file, CLOCK);
        long previous = 0;
        for (int round = 0; round < 3; round++) {
            Process writer = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-XX:-UsePerfData",
                            StateWriterMain.class.getName(),
                            file.toString(),
                            Integer.toString(MAX_SAVES))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("writer-" + round + ".log").toFile())
                    .start();
            long floor = previous;
            try {
                await().atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> reader.load().revision() >= floor + 20);
                assertThat(writer.isAlive()).as("still writing when killed").isTrue();
            } finally {
                writer.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
                writer.waitFor(30, TimeUnit.SECONDS);
            }
            AgentState after = reader.load(); // must parse: the old or the new file, never a torn one
            assertThat(after.revision()).isGreaterThanOrEqualTo(floor + 20);
            assertThat(after.products()).hasSize(2);
            // Each write moved the schedule to its own revision: the state is one whole write, not a mix.
            assertThat(after.products()
                            .get("windows-client/ae2ee509-1b34-41c0-acb7-6d4650168915")
                            .nextDue())
                    .isEqualTo(Instant.parse("2026-11-28T00:00:00Z").plus(Duration.ofMinutes(after.revision() - 1)));
            previous = after.revision();
        }
    }
}
