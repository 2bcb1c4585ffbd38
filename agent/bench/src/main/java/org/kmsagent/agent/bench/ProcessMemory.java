package org.kmsagent.agent.bench;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The memory figures the benchmarks read of a process: heap after collections, direct buffers, resident set. */
final class ProcessMemory {
    private ProcessMemory() {}

    /** This process's heap after full collections, direct buffers and resident set, read in that order. */
    record Reading(long heap, long direct, long resident) {
        static Reading take() {
            long heap = heapAfterGc();
            long direct = directMemory();
            return new Reading(heap, direct, residentMemory());
        }

        /** What each of {@code connections} added since {@code before}, in bytes. */
        PerConnection since(Reading before, int connections) {
            return new PerConnection(
                    (heap - before.heap) / (double) connections,
                    (direct - before.direct) / (double) connections,
                    (resident - before.resident) / (double) connections);
        }
    }

    /** Heap, direct and resident memory per connection, in bytes. */
    record PerConnection(double heap, double direct, double resident) {}

    /** Heap in use after full collections: the lowest of three, so a collection still finishing does not count. */
    static long heapAfterGc() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(
                    best,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /**
     * Direct buffers in use: the JDK's (allocated with a cleaner) plus Netty's own count of the ones it allocates
     * without (-1 when it does not track them). Pools grow in chunks, so this is coarse for few connections.
     */
    static long directMemory() {
        long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
        return jdk + Math.max(0, PlatformDependent.usedDirectMemory());
    }

    /**
     * This process's resident set, from {@code /proc/self/status}; 0 where there is none. It counts what the heap and
     * direct figures do not: native memory, such as an OpenSSL engine's. Pages the heap has touched stay resident, so
     * it is the upper bound of what a measured step cost the process.
     */
    static long residentMemory() {
        try {
            return residentKb("self") * 1024;
        } catch (IOException | NumberFormatException | IllegalStateException e) {
            return 0;
        }
    }

    /** Process {@code pid}'s resident set in KB, from {@code /proc/PID/status}; throws where there is none. */
    static long residentKb(long pid) throws IOException {
        return residentKb(Long.toString(pid));
    }

    private static long residentKb(String pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
