package org.kmsagent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this plugin API, which plugins name in their {@code Plugin-Requires} range. It is set once, as the
 * build property {@code kmsagent.api.version}, and read here from the API jar, so the agent and the plugins' build
 * can never disagree about it.
 */
public final class PluginApi {
    private PluginApi() {}

    /** e.g. {@code 0.1.0} */
    public static final String VERSION = read();

    private static String read() {
        try (InputStream in = PluginApi.class.getResourceAsStream("plugin-api.properties")) {
            if (in == null) {
                throw new IllegalStateException("plugin-api.properties is missing from the plugin-api jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
