package org.kmsagent.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether a product may be moved to a MAK (online, counted by Microsoft) when KMS keeps failing: never, or only once
 * its KMS validity is about to run out. The agent never installs a MAK it was not given.
 */
public enum MakFallback {
    NEVER,
    ON_KMS_FAILURE;

    @JsonValue
    public String id() {
        return ConfigEnums.id(this);
    }

    @JsonCreator
    public static MakFallback of(String text) {
        return ConfigEnums.parse(MakFallback.class, text);
    }
}
