package org.kmsagent.agent.config;

/**
 * Which plugin jars the agent accepts. Without a trust store every jar in the plugins directory is loaded (the
 * directory's permissions are the only guard); with one, only jars whose every entry is signed by a certificate in
 * it (or issued by one) are, and the others are refused by name with the reason.
 *
 * @param trustStore a PKCS#12 file of the certificates plugin jars must be signed with; absent: not checked
 * @param trustStorePassword its password; write {@code ${NAME}} to take it from the environment
 */
public record PluginsConfig(String trustStore, String trustStorePassword) {
    @Override
    public String toString() {
        return "PluginsConfig[trustStore=" + trustStore + ", trustStorePassword=***]";
    }

    static PluginsConfig defaults() {
        return new PluginsConfig(null, null);
    }
}
