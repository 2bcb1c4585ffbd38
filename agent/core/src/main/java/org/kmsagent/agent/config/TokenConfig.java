package org.kmsagent.agent.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * One client token. Its secret is given either in clear ({@code token}; write {@code ${ENV_NAME}} to take it from
 * the environment) or as a salted hash ({@code hash}, a {@link TokenHash} as {@code kms-agent token hash} prints it),
 * so that the file itself holds no usable secret. {@link #toString()} never shows either.
 *
 * @param name a label for logs and events (never the secret)
 * @param token the secret the client sends in its frame headers, or null when {@code hash} is given
 * @param role what the client may do
 * @param hash the secret's {@link TokenHash}, or null when {@code token} is given
 */
public record TokenConfig(
        String name,
        String token,

        @JsonDeserialize(using = Role.TokenRoleDeserializer.class)
        Role role,

        String hash) {
    /** A token shorter than this is too easy to guess to guard a machine's activation. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** A token given in clear. */
    public TokenConfig(String name, String token, Role role) {
        this(name, token, role, null);
    }

    @Override
    public String toString() {
        return "TokenConfig[name=" + name + ", role=" + role + (hash != null ? ", hash=***" : ", token=***") + "]";
    }
}
