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

    /** Whether it has anything to run with {@code --quick}; one that has not is skipped then (not even started). */
    default boolean runsWhenQuick() {
        return true;
    }
}
