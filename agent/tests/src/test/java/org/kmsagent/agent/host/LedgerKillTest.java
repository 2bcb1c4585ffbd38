package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: a child JVM handles requests against a file ledger and acknowledges each after {@code handle}
 * returned; it is killed with SIGKILL mid-stream, and the reopened file must hold every acknowledged request.
 */
class LedgerKillTest {
    private static final int MAX_REQUESTS = 5_000;
    private static final int ACKS_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRequestSurvivesKillMinusNine() throws Exception {
        Path file = dir.resolve("killed-ledger");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        LedgerKillChild.class.getName(),
                        file.toString(),
                        Integer.toString(MAX_REQUESTS))
                .redirectError(dir.resolve("child-stderr.txt").toFile())
                .start();
        Set<Integer> acked = new HashSet<>();
        boolean finished = false;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                    if (acked.size() == ACKS_BEFORE_KILL) {
                        // SIGKILL on Linux: no shutdown hook, no H2 close. Through the ProcessHandle, because
                        // Process.destroy*
                        // also closes our end of the pipe, and the acks still in it must be read.
                        child.toHandle().destroyForcibly();
                    }
                } else if (line.equals("done")) {
                    finished = true;
                }
            }
            // readLine returned null: the child is dead; every ack it printed before dying has been read.
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertThat(finished).as("the child was killed before it finished").isFalse();
        assertThat(child.exitValue()).isEqualTo(137); // 128 + SIGKILL
        assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        try (H2ActivationLedger reopened = H2ActivationLedger.openFile(file)) {
            LedgerKmsHost host = new LedgerKmsHost(HostConfig.of("after", List.of(), Set.of()), reopened);
            Set<String> historyNames = reopened.historyNewestFirst(0, MAX_REQUESTS).stream()
                    .map(HistoryRecord::machineName)
                    .collect(Collectors.toSet());
            Set<UUID> entryCmids = host.entries("windows", HostFixtures.T0).stream()
                    .map(PoolEntry::cmid)
                    .collect(Collectors.toSet());
            for (int i : acked) {
                assertThat(historyNames)
                        .as("history of acknowledged request %d", i)
                        .contains("pc-" + i);
                assertThat(entryCmids)
                        .as("pool entry of acknowledged request %d", i)
                        .contains(HostFixtures.cmid(i));
            }
            // at most the one request in flight at the kill may have been stored without being acknowledged
            assertThat(reopened.historySize()).isBetween((long) acked.size(), (long) acked.size() + 1);
        }
    }
}
