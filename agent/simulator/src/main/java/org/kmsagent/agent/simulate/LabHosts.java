package org.kmsagent.agent.simulate;

import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.HostSettings;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.host.MemoryActivationLedger;

/** The hosts a lab can run. */
public final class LabHosts {
    private LabHosts() {}

    /** The host config a scenario's host plan describes. */
    public static HostConfig config(Scenario.HostPlan plan) {
        return new HostConfig(
                plan.name(),
                plan.hostKeys(),
                plan.licensePacks(),
                new HostSettings(plan.activationInterval(), plan.renewalInterval(), plan.port(), plan.publishDns()),
                plan.catalogKeys());
    }

    /**
     * The KMS host model over an in-memory H2 ledger: every rule of the real host, nothing kept after the run. The lab
     * closes the ledger when the run ends.
     */
    public static HostFactory ledgerInMemory() {
        return plan -> new LedgerKmsHost(config(plan), H2ActivationLedger.inMemory());
    }

    /**
     * The same host model over the plain-Java ledger: the same decisions and history, several times faster than H2 for
     * large fleets ({@code simulate --ledger memory}).
     */
    public static HostFactory ledgerInPlainMemory() {
        return plan -> new LedgerKmsHost(config(plan), new MemoryActivationLedger());
    }
}
