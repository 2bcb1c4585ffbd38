package org.kmsagent.agent.hub;

import org.kmsagent.agent.fleet.FleetAddresses;

import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.bus.bridge.BridgeRoutes;
import org.kmsagent.agent.config.Role;

/**
 * Who may use the fleet addresses on a hub's bridge. Only tokens named in {@code fleet.agentTokens} may act as agents
 * (register, report, receive routed commands, answer them), so a {@code read} ctl token cannot pose as a machine;
 * fleet queries and routed queries need {@code read}, routed changes {@code admin}.
 */
public final class HubRoutes implements BridgeRoutes {
  private final Set<String> agentTokens;

  public HubRoutes(Set<String> agentTokens) {
    this.agentTokens = Set.copyOf(agentTokens);
  }

  @Override
  public Optional<Role> sendRole(String clientName, String address) {
    if (FleetAddresses.AGENT_SENDS.contains(address) || address.startsWith(FleetAddresses.REPLY_PREFIX)) {
      return agentTokens.contains(clientName) ? Optional.of(Role.READ) : Optional.empty();
    }
    if (FleetAddresses.QUERIES.contains(address)) {
      return Optional.of(Role.READ);
    }
    if (FleetAddresses.ROUTE_CHANGE.equals(address)) {
      return Optional.of(Role.ADMIN);
    }
    return Optional.empty();
  }

  @Override
  public boolean mayRegister(String clientName, Role role, String address) {
    return agentTokens.contains(clientName)
        && (FleetAddresses.ALL_AGENTS.equals(address) || address.startsWith(FleetAddresses.AGENT_PREFIX));
  }
}
