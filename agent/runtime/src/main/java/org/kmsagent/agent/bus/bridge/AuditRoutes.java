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

    @Override
    public String forbidden(String address, Role needed) {
        return BusAddresses.AUDIT.equals(address)
                ? readingTheAudit(address, needed)
                : BridgeRoutes.super.forbidden(address, needed);
    }

    /** A read token asking for the audit is told that reading it needs admin (it asked no change). */
    public static String readingTheAudit(String address, Role needed) {
        return "forbidden: reading the audit (" + address + ") takes a token with role " + needed.id()
                + ": who did what is not for every reader";
    }

    @Override
    public String unreachable(BridgeCaller caller, String address) {
        if (address.startsWith(FLEET_PREFIX)) {
            // ctl --agent AGENT fleet: the fleet view is a hub's.
            return "access_denied: this is an agent, not a fleet hub: " + address
                    + " is served by hubs; point ctl at a hub with --hub HOST:PORT";
        }
        return BridgeRoutes.super.unreachable(caller, address);
    }

    /** Every fleet address starts so ({@code org.kmsagent.agent.fleet.FleetAddresses#PREFIX}). */
    private static final String FLEET_PREFIX = "kmsagent.fleet.";
}
