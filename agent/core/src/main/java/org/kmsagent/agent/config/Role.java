package org.kmsagent.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What a bridge client may do: nothing, query, or query and change. */
public enum Role {
    NONE,
    READ,
    ADMIN;

    @JsonValue
    public String id() {
        return ConfigEnums.id(this);
    }

    /** The roles a token may carry ({@code bridge.tokens[].role}): a token with {@code none} would admit nobody. */
    public static final Set<Role> TOKEN_ROLES = Collections.unmodifiableSet(EnumSet.of(READ, ADMIN));

    /** Any role, as {@code bridge.anonymous} takes it ({@code none} refuses a client without a token). */
    @JsonCreator
    public static Role of(String text) {
        return ConfigEnums.parse(Role.class, text);
    }

    /** A token's role: {@code read} or {@code admin}; anything else, {@code none} included, is refused. */
    public static Role ofToken(String text) {
        return ConfigEnums.parse(Role.class, text, TOKEN_ROLES);
    }

    /** What a token's role must be, as every check of one says it: {@code must be one of read|admin}. */
    public static String tokenRoleRule() {
        return ConfigEnums.mustBeOneOf(TOKEN_ROLES);
    }

    /** Binds {@code bridge.tokens[].role} through {@link #ofToken}, so that its message lists what a token takes. */
    static final class TokenRoleDeserializer extends StdScalarDeserializer<Role> {
        TokenRoleDeserializer() {
            super(Role.class);
        }

        @Override
        public Role deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                return (Role) ctxt.handleUnexpectedToken(Role.class, p);
            }
            try {
                return ofToken(p.getText());
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }

    /** Whether this role includes everything {@code other} may do. */
    public boolean covers(Role other) {
        return ordinal() >= other.ordinal();
    }
}
