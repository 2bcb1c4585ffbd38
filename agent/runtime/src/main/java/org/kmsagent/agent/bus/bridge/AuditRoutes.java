package org.kmsagent.agent.bus.bridge;

import java.util.Optional;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.config.Role;

/**
 * The agent bridge's one address beyond the control API: reading the audit, for {@code admin} tokens only (who did
 * what is not for every reader).
 */
public final class AuditRoutes implements BridgeRoutes {
    @Override
    public Optional<Role> sendRole(String clientName, String address) {
        return BusAddresses.AUDIT.equals(address) ? Optional.of(Role.ADMIN) : Optional.empty();
    }

    @Override
    public boolean mayRegister(String clientName, Role role, String address) {
        return false;
    }
}
