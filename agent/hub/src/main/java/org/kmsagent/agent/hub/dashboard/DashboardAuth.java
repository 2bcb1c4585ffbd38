package org.kmsagent.agent.hub.dashboard;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kmsagent.agent.config.ConfiguredTokens;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TokenConfig;

/**
 * Who may see the dashboard: a holder of one of the bridge's tokens (any role), presented as
 * {@code Authorization: Bearer <token>} or once through the login form, which then sets a session cookie. The cookie
 * carries a random session id, never the token; sessions live 12 hours in this hub's memory. Tokens are compared by
 * SHA-256 digest in constant time, as the bridge does, and may be
 * written hashed ({@link ConfiguredTokens}).
 */
final class DashboardAuth {
    static final Duration SESSION = Duration.ofHours(12);
    static final String COOKIE = "kmsagent_session";

    private final ConfiguredTokens tokens;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    /** A signed-in token holder. */
    record Session(String tokenName, Role role, Instant expires) {}

    DashboardAuth(List<TokenConfig> tokens, Clock clock) {
        this.tokens = new ConfiguredTokens(tokens);
        this.clock = clock;
    }

    /** The token's holder, or empty for an unknown token. */
    Optional<TokenConfig> token(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        return tokens.match(presented).filter(t -> t.role() != Role.NONE);
    }

    /** Opens a session for a token holder; returns its id. */
    String open(TokenConfig token) {
        byte[] id = new byte[32];
        random.nextBytes(id);
        String sid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        sessions.put(
                sid, new Session(token.name(), token.role(), clock.instant().plus(SESSION)));
        return sid;
    }

    /** The live session of an id, if any (an expired one is forgotten). */
    Optional<Session> session(String sid) {
        if (sid == null) {
            return Optional.empty();
        }
        Session s = sessions.get(sid);
        if (s != null && s.expires().isBefore(clock.instant())) {
            sessions.remove(sid);
            return Optional.empty();
        }
        return Optional.ofNullable(s);
    }

    void close(String sid) {
        if (sid != null) {
            sessions.remove(sid);
        }
    }
}
