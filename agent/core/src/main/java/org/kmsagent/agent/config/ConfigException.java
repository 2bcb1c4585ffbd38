package org.kmsagent.agent.config;

import java.util.List;

/** The configuration is wrong; {@link #errors()} holds one line per problem, each starting with its key path. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super("invalid configuration:\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    public ConfigException(String error) {
        this(List.of(error));
    }

    /** One line per problem, e.g. {@code bridge.port: expected a whole number 0-65535, got 70000}. */
    public List<String> errors() {
        return errors;
    }
}
