package org.kmsagent.agent.bus.bridge;

import java.util.Optional;
import org.kmsagent.agent.config.Role;

/**
 * Addresses a bridge serves beyond the agent's control API, for a component that runs the bridge for another
 * purpose (the fleet hub). Consulted only for addresses the control API does not know, and still narrowed by the
 * configured inbound and outbound allow-lists. Implementations are called on event loops and must not block.
 */
public interface BridgeRoutes {

    /** No extra addresses: the plain agent bridge. */
    BridgeRoutes NONE = new BridgeRoutes() {
        @Override
        public Optional<Role> sendRole(String clientName, String address) {
            return Optional.empty();
        }

        @Override
        public boolean mayRegister(String clientName, Role role, String address) {
            return false;
        }
    };

    /** The role a client (by token name) needs to send to the address, or empty when it may not send there. */
    Optional<Role> sendRole(String clientName, String address);

    /** Whether a client (by token name and role) may register on (receive from) the address. */
    boolean mayRegister(String clientName, Role role, String address);

    /**
     * The agent a per-agent credential belongs to, or empty when the token is no such credential (or is revoked).
     * Called on event loops for every frame that a configured token did not match: must not block.
     */
    default Optional<String> agentFor(String token) {
        return Optional.empty();
    }

    /**
     * Whether a client sends to the address without a reply address: an answer to a request that came to it (a hub's
     * fan-out). Every address of the control API, and of the hub's own requests, answers each request and takes a
     * send only with a reply address.
     */
    default boolean oneWay(String address) {
        return false;
    }

    /** {@link #sendRole(String, String)} for an authenticated caller (routes that know agents override it). */
    default Optional<Role> sendRole(BridgeCaller caller, String address) {
        return caller.isAgent() ? Optional.empty() : sendRole(caller.name(), address);
    }

    /** {@link #mayRegister(String, Role, String)} for an authenticated caller. */
    default boolean mayRegister(BridgeCaller caller, String address) {
        return !caller.isAgent() && mayRegister(caller.name(), caller.role(), address);
    }

    /**
     * What a caller is told (code 403) when no rule lets it send to an address: by default that the address is not
     * reachable; routes that know why (an agent asked for a hub's address, an agent's credential asked an operator's
     * question) say so and what to use instead.
     */
    default String unreachable(BridgeCaller caller, String address) {
        return "access_denied: " + address + " is not reachable over the bridge";
    }

    /** What a caller whose role is too low is told (code 403); routes word a read that needs admin as a read. */
    default String forbidden(String address, Role needed) {
        return "forbidden: " + address + " needs role " + needed.id();
    }

    /**
     * A registration the rules allow but that this process would never serve (a hub publishes no agent events), as
     * the refusal's text (sent with code 404); empty to serve it.
     */
    default Optional<String> notServed(BridgeCaller caller, String address) {
        return Optional.empty();
    }

    /**
     * Whether the address is served by a consumer in this process (a local consumer, which no other process can
     * reach) that takes a request's body as the bridge decoded it: the bridge then hands the body over without the
     * event bus's deep copy ({@link org.kmsagent.agent.bus.SameProcessJson}). False for an address that may be served
     * elsewhere in a cluster, which is all the plain agent bridge needs to say.
     */
    default boolean servedHere(String address) {
        return false;
    }

    /** How many connections one caller may hold at once, given the configured per-token limit. */
    default int maxConnections(BridgeCaller caller, int configured) {
        return configured;
    }
}
