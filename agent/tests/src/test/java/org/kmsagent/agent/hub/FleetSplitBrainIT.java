package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Two hubs' cluster members, one of them stopped for longer than the cluster's heartbeat timeout: each side goes on
 * alone, each hub writes its own agents' records, and when the two sides meet again and merge, the writes of both
 * sides must still be there. A hub has acknowledged those writes to its agents, which then dropped the events from
 * their outboxes: a write lost in the merge is an event lost for good (found by the two-hub benchmark at 20,000
 * agents, docs/performance.md).
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "stops a process with SIGSTOP, which Windows does not have")
class FleetSplitBrainIT {
    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    @Disabled("The fix is partial: with FleetCluster's latest-update merge policy this passed 6 of 6 runs on JDK 17 and"
            + " 1 of 4 on Temurin 25 (one side's write lost, either side), against 0 of 2 with Hazelcast's default"
            + " policy; why the merge still keeps an older copy is not known yet (docs/performance.md). It stays as"
            + " the reproduction of the defect until the merge keeps both sides' writes every time.")
    void writesMadeOnBothSidesOfASplitSurviveTheMerge() throws Exception {
        String cluster = "split-brain-" + UUID.randomUUID();
        int portA = freePort();
        int portB = freePort();
        String members = portA + "," + portB;
        Path logs = Files.createTempDirectory("split-brain");
        try (ChildJvm a = member(cluster, portA, members, logs.resolve("a.log"));
                ChildJvm b = member(cluster, portB, members, logs.resolve("b.log"))) {
            awaitSize(a, 2);
            awaitSize(b, 2);
            a.ask("put pc-a a0", "put ", STEP);
            a.ask("put pc-b b0", "put ", STEP);
            assertThat(b.ask("get pc-b", "got ", STEP)).isEqualTo("got pc-b b0");

            // Hub b stops (a long pause); hub a removes it once the heartbeat timeout passes, and goes on.
            b.pause();
            awaitSize(a, 1);
            a.ask("put pc-a a1", "put ", STEP);
            // Hub b wakes alone, with its copies of every record, and goes on with its own agent.
            b.resume();
            awaitSize(b, 1);
            b.ask("put pc-b b1", "put ", STEP);
            assertThat(a.ask("get pc-b", "got ", STEP))
                    .as("hub a, still apart from hub b")
                    .isEqualTo("got pc-b b0");

            // The two sides find each other and merge into one cluster.
            awaitSize(a, 2);
            awaitSize(b, 2);
            for (ChildJvm hub : List.of(a, b)) {
                assertThat(hub.ask("get pc-a", "got ", STEP)).isEqualTo("got pc-a a1");
                assertThat(hub.ask("get pc-b", "got ", STEP)).isEqualTo("got pc-b b1");
            }
        }
    }

    private static ChildJvm member(String cluster, int port, String members, Path log) throws Exception {
        return ChildJvm.start(
                SplitBrainMember.class.getName(),
                List.of(cluster, Integer.toString(port), members),
                "ready",
                log,
                Duration.ofSeconds(120));
    }

    /** Waits until {@code member} sees {@code size} members (the heartbeat timeout is 8 s; merges are tried every 10 s). */
    private static void awaitSize(ChildJvm member, int size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = member.ask("size", "size ", STEP);
            if (last.equals("size " + size)) {
                return;
            }
            Thread.sleep(100); // polling another process's view of its cluster; nothing here runs on a virtual clock
        }
        throw new AssertionError("expected " + size + " members, last answer '" + last + "'; " + member.output());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
