package org.kmsagent.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a bridge client may do: nothing, query, or query and change. */
public enum Role {
    NONE,
    READ,
    ADMIN;

    @JsonValue
    public String id() {
        return ConfigEnums.id(this);
    }

    @JsonCreator
    public static Role of(String text) {
        return ConfigEnums.parse(Role.class, text);
    }

    /** Whether this role includes everything {@code other} may do. */
    public boolean covers(Role other) {
        return ordinal() >= other.ordinal();
    }
}
