package org.kmsagent.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the host role does: {@code model} runs the in-process host model (simulated clients reach it), {@code watch}
 * follows the genuine Windows KMS host service on this machine through its event log and licensing counters. Neither
 * listens on a port.
 */
public enum HostMode {
    MODEL,
    WATCH;

    @JsonValue
    public String id() {
        return ConfigEnums.id(this);
    }

    @JsonCreator
    public static HostMode of(String text) {
        return ConfigEnums.parse(HostMode.class, text);
    }
}
