package org.kmsagent.agent.daemon;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;

/**
 * The simulated machine's licensing store as the daemon keeps it across restarts: its identity (a KMS host counts
 * a CMID once, so a restarted agent must not come back as a new client) and each installed product's key, KMS
 * setting and license clock.
 *
 * @param name the machine's name
 * @param cmid its client machine id
 * @param products the installed products
 */
public record StoredMachine(String name, UUID cmid, List<SimulatedMachine.StoredProduct> products) {
    public StoredMachine {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cmid, "cmid");
        products = products == null ? List.of() : List.copyOf(products);
    }
}
