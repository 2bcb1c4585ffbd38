package org.kmsagent.agent.licensing.simulated;

/**
 * The simulated machine that stands for this computer under {@code licensing: simulated}. Only the process running
 * the agent can make it (the daemon from its stored state, on its scheduler), so it binds this;
 * {@link SimulatedLicensingModule} only declares it.
 */
@FunctionalInterface
public interface ThisComputer {
    /** The machine; called once, when the simulated stack is chosen. */
    SimulatedMachine machine();
}
