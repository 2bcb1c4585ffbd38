package org.kmsagent.agent.simulate;

import org.kmsagent.agent.testsupport.LabFixtures;

/** Runs {@code simulate} with the test families in a child JVM and prints what it printed (determinism test). */
public final class SimulateChild {
    private SimulateChild() {}

    public static void main(String[] args) {
        LabFixtures.Run r = LabFixtures.simulate(args);
        System.out.print(r.out());
        System.out.flush();
        System.exit(r.exitCode());
    }
}
