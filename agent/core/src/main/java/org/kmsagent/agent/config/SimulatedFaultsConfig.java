package org.kmsagent.agent.config;

import java.util.List;

/**
 * Faults the simulated machine's licensing service injects (for trying the agent's resilience on a desk: see
 * docs/troubleshooting.md, "How the agent treats licensing failures"). Off unless a rate is set.
 *
 * @param rate the fraction of licensing calls that fail (0 to 1), with a kind drawn evenly from {@code kinds}
 * @param hangRate a further fraction of calls that never return in time (0 to 1); the agent abandons them at its
 *     call deadline
 * @param kinds the failure kinds {@code rate} draws from: {@code service-not-running}, {@code rpc-unavailable},
 *     {@code slopen-failed}, {@code access-denied}, {@code wmi-busy}, {@code hang}; default every kind
 * @param hangSeconds how long a hung call blocks its thread before failing (default 600)
 * @param seed the seed of the draws (default 1), so a run can be repeated
 * @param startAfterSeconds faults begin this long after the agent starts (default 0: at once), to watch a running
 *     agent meet them
 */
public record SimulatedFaultsConfig(
        Double rate, Double hangRate, List<String> kinds, Integer hangSeconds, Long seed, Integer startAfterSeconds) {
    public SimulatedFaultsConfig {
        rate = rate == null ? 0.0 : rate;
        hangRate = hangRate == null ? 0.0 : hangRate;
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        hangSeconds = hangSeconds == null ? 600 : hangSeconds;
        seed = seed == null ? 1L : seed;
        startAfterSeconds = startAfterSeconds == null ? 0 : startAfterSeconds;
    }

    /** No faults. */
    public static SimulatedFaultsConfig none() {
        return new SimulatedFaultsConfig(null, null, null, null, null, null);
    }

    /** Whether any call can fail. */
    public boolean enabled() {
        return rate > 0 || hangRate > 0;
    }
}
