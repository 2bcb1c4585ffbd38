package org.kmsagent.agent.config;

/**
 * One client token. The value may be written as {@code ${ENV_NAME}} to take it from the environment, so that the
 * file itself holds no secret. {@link #toString()} never shows the value.
 *
 * @param name a label for logs and events (never the secret)
 * @param token the secret the client sends in its frame headers
 * @param role what the client may do
 */
public record TokenConfig(String name, String token, Role role) {
  @Override
  public String toString() {
    return "TokenConfig[name=" + name + ", role=" + role + ", token=***]";
  }
}
