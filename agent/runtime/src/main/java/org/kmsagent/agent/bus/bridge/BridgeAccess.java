package org.kmsagent.agent.bus.bridge;

import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.ConfiguredTokens;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TokenConfig;

/**
 * Who may do what over the bridge: tokens to roles, and the address rules. {@code read} may send to the query
 * addresses and register on the events topic; {@code admin} may also send to the changing addresses. The configured
 * inbound and outbound allow-lists narrow this further; they can never widen it (nothing outside the control API is
 * reachable, and no client may publish on the events topic).
 */
final class BridgeAccess {
    private final ConfiguredTokens tokens;
    private final Role anonymous;
    private final List<String> inbound;
    private final List<String> outbound;
    private final BridgeRoutes routes;

    BridgeAccess(BridgeConfig config, List<TokenConfig> tokens) {
        this(config, tokens, BridgeRoutes.NONE);
    }

    BridgeAccess(BridgeConfig config, List<TokenConfig> tokens, BridgeRoutes routes) {
        this.routes = routes;
        this.tokens = new ConfiguredTokens(tokens);
        this.anonymous = config.anonymous();
        this.inbound = config.inbound();
        this.outbound = config.outbound();
    }

    /**
     * The client a token names, or empty for an unknown token. A missing token gets the anonymous role ({@code none}
     * unless configured). Tokens are compared by digest in constant time, so timing tells nothing of their text; a
     * hashed token costs its PBKDF2 only until first presented ({@link ConfiguredTokens}). A token shorter than any
     * token may be ({@link TokenConfig#MIN_TOKEN_LENGTH}), the empty one included, is unknown whatever the tokens
     * given here hold: a damaged or mistaken credential (an empty token file) never opens the bridge.
     */
    Optional<BridgeCaller> authenticate(String token) {
        if (token == null) {
            return anonymous == Role.NONE
                    ? Optional.empty()
                    : Optional.of(new BridgeCaller("anonymous", anonymous, null));
        }
        if (token.length() < TokenConfig.MIN_TOKEN_LENGTH) {
            return Optional.empty();
        }
        TokenConfig found = tokens.known(token).orElse(null);
        if (found == null) {
            // An enrolled agent's own credential: it may act as that agent and nothing else (never the control API).
            // Tried before any hashed-token check, since a hub's agents present theirs on every frame.
            Optional<BridgeCaller> agent =
                    routes.agentFor(token).map(id -> new BridgeCaller(AGENT_NAME_PREFIX + id, Role.READ, id));
            if (agent.isPresent()) {
                return agent;
            }
            found = tokens.match(token).orElse(null);
        }
        return Optional.ofNullable(found).map(t -> new BridgeCaller(t.name(), t.role(), null));
    }

    /** The name an enrolled agent's credential has in logs and headers. */
    static final String AGENT_NAME_PREFIX = "agent:";

    /** The role an address needs for sending, or empty when no client may send to it. */
    Optional<Role> sendRole(String address) {
        if (!matches(inbound, address)) {
            return Optional.empty();
        }
        if (BusAddresses.QUERIES.contains(address)) {
            return Optional.of(Role.READ);
        }
        if (BusAddresses.CHANGES.contains(address)) {
            return Optional.of(Role.ADMIN);
        }
        return Optional.empty();
    }

    /** {@link #sendRole(String)}, then the extra routes for an address the control API does not know. */
    Optional<Role> sendRole(BridgeCaller client, String address) {
        if (client.isAgent()) {
            return matches(inbound, address) ? routes.sendRole(client, address) : Optional.empty();
        }
        Optional<Role> control = sendRole(address);
        if (control.isPresent() || !matches(inbound, address)) {
            return control;
        }
        return routes.sendRole(client, address);
    }

    /** Whether a send to the address takes no reply ({@link BridgeRoutes#oneWay}). */
    boolean oneWay(String address) {
        return routes.oneWay(address);
    }

    /** Whether a request to the address stays in this process ({@link BridgeRoutes#servedHere}). */
    boolean servedHere(String address) {
        return routes.servedHere(address);
    }

    /** What a client is told when it may not send to an address at all ({@link BridgeRoutes#unreachable}). */
    String unreachable(BridgeCaller client, String address) {
        return routes.unreachable(client, address);
    }

    /** What a client whose role is too low for an address is told ({@link BridgeRoutes#forbidden}). */
    String forbidden(String address, Role needed) {
        return routes.forbidden(address, needed);
    }

    /** A registration this process would never serve, with the refusal's text ({@link BridgeRoutes#notServed}). */
    Optional<String> notServed(BridgeCaller client, String address) {
        return routes.notServed(client, address);
    }

    /** {@link #mayRegister(String)}, or the extra routes allow it (within the outbound list). */
    boolean mayRegister(BridgeCaller client, String address) {
        if (client.isAgent()) {
            return matches(outbound, address) && routes.mayRegister(client, address);
        }
        return mayRegister(address) || (matches(outbound, address) && routes.mayRegister(client, address));
    }

    /** Whether a client may register (receive) on an address: only the events topic, if the outbound list allows. */
    boolean mayRegister(String address) {
        return BusAddresses.EVENTS.equals(address) && matches(outbound, address);
    }

    static boolean matches(List<String> patterns, String address) {
        for (String p : patterns) {
            if (p.endsWith("*") ? address.startsWith(p.substring(0, p.length() - 1)) : p.equals(address)) {
                return true;
            }
        }
        return false;
    }
}
