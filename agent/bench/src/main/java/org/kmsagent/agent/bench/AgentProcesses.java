package org.kmsagent.agent.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The agents, {@value #AGENTS_PER_PROCESS} per process at most, named a1.., b1.., and so on; with several hubs, each hub's
 * share in processes of its own, given every hub in {@code fleet.hubs} with its own first.
 */
record AgentProcesses(List<AgentProcess> processes, int[] hubOf) implements AutoCloseable {
    /** Agents per process: each holds a socket and an outbox file per agent, under the usual 20,000 descriptors. */
    static final int AGENTS_PER_PROCESS = 5_000;

    static AgentProcesses start(int agents, List<String> hubs, String fingerprint, Path dataDir) throws Exception {
        List<AgentProcess> started = new ArrayList<>();
        List<Integer> hubOf = new ArrayList<>();
        try {
            int n = 0;
            for (int h = 0; h < hubs.size(); h++) {
                List<String> order = new ArrayList<>(hubs);
                Collections.rotate(order, -h);
                String hubList = String.join(",", order);
                int share = share(agents, hubs.size(), h);
                for (int first = 0; first < share; first += AGENTS_PER_PROCESS, n++) {
                    String prefix = String.valueOf((char) ('a' + n));
                    started.add(AgentProcess.start(
                            "fleet",
                            Math.min(AGENTS_PER_PROCESS, share - first),
                            prefix,
                            hubList,
                            fingerprint,
                            dataDir.resolve(prefix)));
                    hubOf.add(h);
                }
            }
        } catch (Exception e) {
            for (AgentProcess c : started) {
                c.close();
            }
            throw e;
        }
        return new AgentProcesses(
                started, hubOf.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Hub {@code h}'s share of {@code agents} over {@code hubs} hubs (the first ones take the remainder). */
    static int share(int agents, int hubs, int h) {
        return agents / hubs + (h < agents % hubs ? 1 : 0);
    }

    /**
     * Every agent records {@code perAgent} events; returns once the hubs acknowledged all of them, with the
     * {@link System#nanoTime()} at which the last of each hub's processes (by its agents' first hub) said so.
     */
    long[] events(int perAgent, int hubs) throws Exception {
        for (AgentProcess c : processes) {
            c.command("events " + perAgent);
        }
        // One reader per process (not the common pool: it has one thread on two cores), so that each hub's
        // time is when its own processes finished, not when another's was read.
        var readers = Executors.newFixedThreadPool(processes.size());
        long[] done = new long[hubs];
        try {
            List<Future<Long>> acked = new ArrayList<>();
            for (AgentProcess c : processes) {
                acked.add(readers.submit(() -> {
                    c.expect("acked ");
                    return System.nanoTime();
                }));
            }
            for (int i = 0; i < processes.size(); i++) {
                long at;
                try {
                    at = acked.get(i).get(25, TimeUnit.MINUTES); // each process gives up after 20
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                done[hubOf[i]] = Math.max(done[hubOf[i]], at);
            }
        } finally {
            readers.shutdownNow();
        }
        return done;
    }

    @Override
    public void close() throws Exception {
        for (AgentProcess c : processes) {
            c.close();
        }
    }
}
