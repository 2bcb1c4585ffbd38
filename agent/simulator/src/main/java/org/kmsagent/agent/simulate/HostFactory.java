package org.kmsagent.agent.simulate;

import org.kmsagent.agent.host.KmsHost;

/** Makes the lab's KMS host from the scenario's host plan. */
@FunctionalInterface
public interface HostFactory {
    KmsHost create(Scenario.HostPlan plan) throws Exception;
}
