package org.kmsagent.agent.bus.bridge;

import org.kmsagent.agent.config.Role;

/**
 * An authenticated bridge client: its token's name (never the token), its role, and, for a per-agent credential
 * issued by a hub's enrolment, the one agent id it speaks for (null for configured tokens).
 *
 * @param name the configured token's name, or {@code agent:<id>} for an enrolled agent
 * @param role what the client may do
 * @param agentId the agent this credential belongs to, or null
 */
public record BridgeCaller(String name, Role role, String agentId) {
    /** Header naming the authenticated client (its token's name) on every message the bridge forwards. */
    public static final String HEADER_CLIENT = "client";
    /** Header with the client's role. */
    public static final String HEADER_ROLE = "role";
    /** Header with the agent id of an enrolled agent's credential (absent for configured tokens). */
    public static final String HEADER_AGENT = "agentId";
    /** Header naming the bridge connection a message came through (random, per connection). */
    public static final String HEADER_CONNECTION = "connection";

    /** Whether this is an enrolled agent's own credential. */
    public boolean isAgent() {
        return agentId != null;
    }
}
