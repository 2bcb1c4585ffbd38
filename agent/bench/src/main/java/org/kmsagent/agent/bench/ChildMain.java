package org.kmsagent.agent.bench;

/**
 * The {@code main} of a benchmark's child process ({@link SimulatedAgents}, {@link HubProcess}): a failure is printed
 * to standard error, which the parent keeps in the child's log, and ends the process with status 1 at once, even
 * while threads the failed start left behind (Vert.x's, Hazelcast's) would keep it alive.
 */
final class ChildMain {
    /** A child's work, from its arguments. */
    interface Body {
        void run(String[] args) throws Exception;
    }

    private ChildMain() {}

    static void run(String[] args, Body body) {
        try {
            body.run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
