package org.kmsagent.agent.bench;

import java.util.List;

/**
 * One benchmark of {@code kms-agent bench}: it measures its figures and, in the same run and process, the baseline
 * each is compared with, since these machines are too noisy for absolute numbers to mean anything.
 */
public interface Benchmark {

    /** A short kebab-case name, e.g. {@code ledger}. */
    String name();

    /**
     * Runs the benchmark. {@code quick} runs a few seconds at most (CI uses it so the harness cannot rot); the full
     * run uses the sizes its issue asks for.
     */
    List<BenchFigure> run(boolean quick) throws Exception;

    /**
     * Whether it measures the simulator as {@code kms-agent simulate} runs: then, run in a process of its own, it gets
     * the collector the launcher gives {@code simulate} (the serial one) instead of the one it gives {@code bench}
     * (the parallel one, for the hubs the fleet benchmarks run). In a fresh JVM with the parallel collector's pause
     * goal, the million-machine year took 254 s instead of 97 s (docs/performance-log.md, "Full runs of 2026-12-03").
     */
    default boolean measuresSimulate() {
        return false;
    }

    /** Whether it has anything to run with {@code --quick}; one that has not is skipped then (not even started). */
    default boolean runsWhenQuick() {
        return true;
    }
}
