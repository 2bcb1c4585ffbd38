package org.kmsagent.agent.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags of this JVM that the processes the benchmarks start take too (a hub's, a benchmark's own): heap size,
 * collector and other {@code -XX} options, module options, the installation's property and the benchmarks' own
 * {@code -Dkmsagent.bench.*} switches, that is, those the
 * launcher gives {@code kms-agent bench} plus {@code KMSAGENT_JAVA_OPTS}; not the agents (debugger, coverage, JFR)
 * nor the class-data archive this process reads or writes.
 */
final class InheritedJvmFlags {
    private InheritedJvmFlags() {}

    static List<String> of() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xm")
                        || a.startsWith("-Xss")
                        || a.startsWith("-XX:")
                        || a.startsWith("--add-")
                        || a.startsWith("--enable-native-access")
                        || a.startsWith("--sun-misc-unsafe")
                        || a.startsWith("-Dkmsagent.home=")
                        // The benchmarks' own switches (-Dkmsagent.bench.histogram=true), read in the benchmark's
                        // process: dropped, performance.md's recipe printed nothing.
                        || a.startsWith("-Dkmsagent.bench."))
                .filter(a -> !a.contains("FlightRecord")
                        && !a.contains("ArchiveClasses")
                        && !a.contains("SharedArchiveFile"))
                .toList();
    }

    /**
     * {@code flags} with the collector {@code bin/kms-agent} gives {@code simulate} (serial) in place of the one it
     * gives {@code bench} (parallel, with a pause goal), followed by the huge pages it gives {@code simulate} where the
     * kernel offers them on request; other flags, a collector
     * chosen otherwise included, as given, and so after them (a {@code KMSAGENT_JAVA_OPTS} flag still wins).
     */
    static List<String> asForSimulate(List<String> flags) {
        return asForSimulate(flags, hugePagesOnRequest(Path.of(TRANSPARENT_HUGE_PAGES)));
    }

    static List<String> asForSimulate(List<String> flags, boolean hugePages) {
        List<String> out = new ArrayList<>();
        for (String f : flags) {
            if (f.equals("-XX:+UseParallelGC")) {
                out.add("-XX:+UseSerialGC");
                if (hugePages) {
                    out.add("-XX:+UseTransparentHugePages");
                }
            } else if (!f.startsWith("-XX:MaxGCPauseMillis=")) {
                out.add(f);
            }
        }
        return out;
    }

    static final String TRANSPARENT_HUGE_PAGES = "/sys/kernel/mm/transparent_hugepage/enabled";

    /**
     * Whether Linux gives a process huge pages when it asks ({@code [always]} or {@code [madvise]} chosen in that
     * file), as {@code bin/kms-agent} checks before it gives {@code simulate} {@code -XX:+UseTransparentHugePages}.
     */
    static boolean hugePagesOnRequest(Path setting) {
        try {
            String mode = Files.readString(setting);
            return mode.contains("[always]") || mode.contains("[madvise]");
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or no transparent huge pages
        }
    }
}
