package org.kmsagent.agent.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.simulate.command.SimulateCommand;
import org.kmsagent.agent.simulate.command.SimulationWiring;
import picocli.CommandLine;

/**
 * A million machines for a year, as a user runs it: {@code simulate --clients 800000 --servers 50000 --office2013
 * 150000 --days 365 --report FILE}, the timeline written to a counting sink, progress on this process's stderr.
 * Figures: the wall time beside a bare priority-queue loop running the same number of events over the same number
 * of timers; the live heap (the most any collection left in use) against the heap the JVM may use; the report's
 * size. Not part of {@code --quick}: it takes minutes and wants {@code KMSAGENT_JAVA_OPTS=-Xmx8g}.
 */
public final class MillionBenchmark implements Benchmark {
    private static final String[] FLEET = {
        "--clients", "800000", "--servers", "50000", "--office2013", "150000", "--days", "365"
    };
    /** Products: every machine one Windows, the Office PCs one Office more. */
    private static final int PRODUCTS = 800_000 + 50_000 + 150_000 * 2;

    private static final long GIB = 1L << 30;

    private final Supplier<List<LoadedFamily>> families;

    public MillionBenchmark(Supplier<List<LoadedFamily>> families) {
        this.families = Objects.requireNonNull(families, "families");
    }

    @Override
    public boolean measuresSimulate() {
        return true;
    }

    @Override
    public String name() {
        return "million";
    }

    /** Minutes long: only in the full run, or asked for by name without {@code --quick}. */
    @Override
    public boolean runsWhenQuick() {
        return false;
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        if (quick) {
            return List.of();
        }
        long max = Runtime.getRuntime().maxMemory();
        if (max < 6 * GIB) {
            System.err.printf(
                    "bench: million skipped: it needs a heap of 6 to 8 GB and this JVM may use %,d MB; run it"
                            + " with KMSAGENT_JAVA_OPTS=-Xmx8g%n",
                    max >> 20);
            return List.of();
        }
        List<LoadedFamily> fams = families.get();
        Path report = Files.createTempFile("kms-agent-million-", ".html");
        try (LiveHeapWatch watch = new LiveHeapWatch()) {
            CountingStream timeline = new CountingStream();
            SimulateCommand command =
                    new SimulateCommand(spec -> SimulationWiring.FamilyLease.of(fams), SimulationWiring.host());
            CommandLine cl = new CommandLine(command);
            cl.setOut(new PrintWriter(timeline, false, StandardCharsets.UTF_8));
            cl.setErr(new PrintWriter(System.err, true));
            List<String> args = new ArrayList<>(List.of(FLEET));
            args.add("--report");
            args.add(report.toString());
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long began = System.nanoTime();
            int code = cl.execute(args.toArray(String[]::new));
            double wall = (System.nanoTime() - began) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            if (code != 0) {
                throw new IllegalStateException("simulate exited with " + code);
            }
            long events = command.lastEvents();
            long began2 = System.nanoTime();
            long bareCpu0 = os.getProcessCpuTime();
            SimulationBenchmark.Measured bare = SimulationBenchmark.bare(PRODUCTS, events);
            double bareCpu = (os.getProcessCpuTime() - bareCpu0) / 1e9;
            double bareWall = (System.nanoTime() - began2) / 1e9;
            List<BenchFigure> out = new ArrayList<>();
            out.add(new BenchFigure(
                    name(),
                    "the same run, CPU seconds of the whole process (JIT and GC included)",
                    cpu,
                    "s",
                    "bare loop, CPU seconds of the whole process",
                    bareCpu,
                    false,
                    OptionalDouble.empty()));
            out.add(new BenchFigure(
                    name(),
                    "simulated events/s (CPU)",
                    events / cpu,
                    "events/s",
                    "bare loop events/s (thread CPU + GC)",
                    bare.rate(),
                    true,
                    OptionalDouble.empty()));
            out.add(new BenchFigure(
                    name(),
                    String.format(
                            "simulate 1,000,000 machines x 365 days (%,d events), wall time"
                                    + " with timeline and report",
                            events),
                    wall,
                    "s",
                    "bare priority-queue loop, same events and timers",
                    bareWall,
                    false,
                    OptionalDouble.empty()));
            out.add(new BenchFigure(
                    name(),
                    "live heap, most left after any collection",
                    watch.peak() / (double) (1 << 20),
                    "MB",
                    "heap the JVM may use",
                    max / (double) (1 << 20),
                    false,
                    OptionalDouble.of(1.0)));
            out.add(new BenchFigure(
                    name(),
                    "HTML report size",
                    Files.size(report) / 1024.0,
                    "KB",
                    "timeline size",
                    timeline.bytes.get() / 1024.0,
                    false,
                    OptionalDouble.empty()));
            return out;
        } finally {
            Files.deleteIfExists(report);
        }
    }

    /** Counts what the timeline writes, keeps none of it. */
    private static final class CountingStream extends OutputStream {
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void write(int b) {
            bytes.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.addAndGet(len);
        }
    }

    /**
     * The most heap in use just after any garbage collection while it is open: the live set, not the garbage that
     * happens to wait for the next collection.
     */
    static final class LiveHeapWatch implements AutoCloseable, NotificationListener {
        private final Set<String> heapPools = new HashSet<>();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final AtomicLong peak = new AtomicLong();

        LiveHeapWatch() {
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    heapPools.add(p.getName());
                }
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter e) {
                    e.addNotificationListener(this, null, null);
                    emitters.add(e);
                }
            }
        }

        @Override
        public void handleNotification(Notification n, Object handback) {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long used = 0;
            for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    MemoryUsage u = e.getValue();
                    used += u.getUsed();
                }
            }
            peak.accumulateAndGet(used, Math::max);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(this);
                } catch (ListenerNotFoundException ignored) {
                    // never added: nothing to remove
                }
            }
        }
    }
}
