package org.kmsagent.agent.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** Whether this process may open the sockets a run needs: its hub's connections count against its descriptors. */
final class DescriptorBudget {
    /** Descriptors the benchmark's process needs besides one per agent: jars, Hazelcast, event loops, ctl. */
    static final int MARGIN = 1_000;

    private DescriptorBudget() {}

    /**
     * Fails at once, not minutes into the run, when this process may not open a socket for each of the first hub's
     * {@code agents}: that hub runs in this JVM, so its agents' connections count against its descriptor limit (20,000
     * on the machine of docs/performance-log.md); the other hubs run in processes of their own. The margin covers what
     * the JVM, Hazelcast and the event loops hold besides.
     */
    static void check(int agents) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            long needed = os.getOpenFileDescriptorCount() + agents + MARGIN;
            if (needed > os.getMaxFileDescriptorCount()) {
                throw new IllegalStateException(String.format(
                        "%,d agents need about %,d file descriptors in this process (the hubs' sockets), but its"
                                + " limit is %,d: raise it (ulimit -n) or run fewer (--agents)",
                        agents, needed, os.getMaxFileDescriptorCount()));
            }
        }
    }
}
