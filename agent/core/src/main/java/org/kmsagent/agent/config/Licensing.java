package org.kmsagent.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which licensing stack the agent drives: Windows' own (SLC), the in-process simulation, or SLC when present. */
public enum Licensing {
    SLC,
    SIMULATED,
    AUTO;

    @JsonValue
    public String id() {
        return ConfigEnums.id(this);
    }

    @JsonCreator
    public static Licensing of(String text) {
        return ConfigEnums.parse(Licensing.class, text);
    }
}
