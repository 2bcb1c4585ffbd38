package org.kmsagent.agent.hub;

import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.bridge.AuditRoutes;
import org.kmsagent.agent.bus.bridge.BridgeCaller;
import org.kmsagent.agent.bus.bridge.BridgeRoutes;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * Who may use the fleet addresses on a hub's bridge. An enrolled agent's own credential ({@link AgentCredentials})
 * may register, report and answer as that one agent, and receive commands on its own address only; it can do nothing
 * else (no fleet queries, no control API). Shared agent tokens ({@code fleet.agentTokens}) act as agents only when
 * {@code fleet.allowSharedAgentTokens} is true (the migration mode). Fleet queries and routed queries need
 * {@code read}; routed changes, enrolment, revocation and the audit {@code admin}.
 */
public final class HubRoutes implements BridgeRoutes {
    private final Set<String> agentTokens;
    private final AgentCredentials credentials;

    /** Shared-token mode only (no enrolled credentials): the given token names act as any agent. */
    public HubRoutes(Set<String> agentTokens) {
        this(agentTokens, null);
    }

    /**
     * @param sharedAgentTokens token names that may act as any agent (empty unless the migration mode is allowed)
     * @param credentials the enrolled agents' credentials, or null
     */
    public HubRoutes(Set<String> sharedAgentTokens, AgentCredentials credentials) {
        this.agentTokens = Set.copyOf(sharedAgentTokens);
        this.credentials = credentials;
    }

    /** This hub's name in the fleet view, once known (the bridge listens before the hub is named). */
    private volatile String hubName;

    /** Names the hub in what its bridge tells clients ({@link #notServed}). */
    public void named(String name) {
        this.hubName = name;
    }

    /**
     * What a hub answers to a request only an agent serves: the same text for a control-API request (FleetHub) and a
     * watch, with what to do instead.
     */
    static String notAnAgent(String hubName, String instead) {
        return "this is fleet hub " + (hubName == null ? "" : hubName + ", ") + "not an agent: " + instead;
    }

    @Override
    public Optional<String> notServed(BridgeCaller caller, String address) {
        if (!caller.isAgent() && BusAddresses.EVENTS.equals(address)) {
            // ctl --hub HUB watch: a hub publishes no kmsagent.events, and a watch is not routed (docs/fleet.md).
            return Optional.of(notAnAgent(
                    hubName,
                    "it publishes no " + address + "; watch one agent's events at that agent, with ctl --agent "
                            + "AGENT_HOST:PORT watch (watch is not routed through a hub)"));
        }
        return Optional.empty();
    }

    @Override
    public String unreachable(BridgeCaller caller, String address) {
        if (caller.isAgent()) {
            return "access_denied: this token is agent " + caller.agentId() + "'s own credential (ctl fleet enroll), "
                    + "not an operator token: " + address + " needs a token from the hub's bridge.tokens";
        }
        if (BusAddresses.AUDIT.equals(address)) {
            // ctl --hub HUB audit: the fleet's audit is the hub's (its own records and those its agents forward).
            return "access_denied: "
                    + notAnAgent(
                            hubName,
                            address + " is an agent's; read the hub's audit, with what"
                                    + " its agents forward, with ctl --hub HOST:PORT fleet audit");
        }
        return BridgeRoutes.super.unreachable(caller, address);
    }

    @Override
    public String forbidden(String address, Role needed) {
        return FleetAddresses.AUDIT.equals(address)
                ? AuditRoutes.readingTheAudit(address, needed)
                : BridgeRoutes.super.forbidden(address, needed);
    }

    @Override
    public Optional<String> agentFor(String token) {
        return credentials == null ? Optional.empty() : credentials.agentFor(token);
    }

    @Override
    public Optional<Role> sendRole(BridgeCaller caller, String address) {
        if (caller.isAgent()) {
            // The hub checks that what it sends names this agent (FleetHub); the bridge lets it reach the agent
            // addresses.
            return agentAddress(address) ? Optional.of(Role.READ) : Optional.empty();
        }
        return sendRole(caller.name(), address);
    }

    @Override
    public Optional<Role> sendRole(String clientName, String address) {
        if (agentAddress(address)) {
            return agentTokens.contains(clientName) ? Optional.of(Role.READ) : Optional.empty();
        }
        if (FleetAddresses.QUERIES.contains(address)) {
            return Optional.of(Role.READ);
        }
        if (FleetAddresses.ROUTE_CHANGE.equals(address)
                || FleetAddresses.ENROLL.equals(address)
                || FleetAddresses.REVOKE.equals(address)
                || FleetAddresses.FORGET.equals(address)
                || FleetAddresses.AUDIT.equals(address)) {
            return Optional.of(Role.ADMIN);
        }
        return Optional.empty();
    }

    /**
     * What agents send and operators ask is served by this hub's own local consumers ({@link FleetHub}), which
     * answer from the request alone; answers to fan-outs go to a hub's reply address, which may be another hub's.
     */
    @Override
    public boolean servedHere(String address) {
        return FleetAddresses.AGENT_SENDS.contains(address) || FleetAddresses.QUERIES.contains(address);
    }

    /** An agent's answers to a fan-out go to the asking hub's reply address, which answers nothing back. */
    @Override
    public boolean oneWay(String address) {
        return address.startsWith(FleetAddresses.REPLY_PREFIX);
    }

    private static boolean agentAddress(String address) {
        return FleetAddresses.AGENT_SENDS.contains(address) || address.startsWith(FleetAddresses.REPLY_PREFIX);
    }

    @Override
    public boolean mayRegister(BridgeCaller caller, String address) {
        if (caller.isAgent()) {
            return FleetAddresses.ALL_AGENTS.equals(address)
                    || FleetAddresses.agent(caller.agentId()).equals(address);
        }
        return mayRegister(caller.name(), caller.role(), address);
    }

    @Override
    public boolean mayRegister(String clientName, Role role, String address) {
        return agentTokens.contains(clientName)
                && (FleetAddresses.ALL_AGENTS.equals(address) || address.startsWith(FleetAddresses.AGENT_PREFIX));
    }

    @Override
    public int maxConnections(BridgeCaller caller, int configured) {
        // A shared agent token is held by every agent of the fleet (migration mode): its connections are one per
        // machine.
        return agentTokens.contains(caller.name()) ? Integer.MAX_VALUE : configured;
    }
}
