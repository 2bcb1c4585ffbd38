package org.kmsagent.agent.bus.view;

import java.util.List;

/**
 * One plugin as the plugin host sees it.
 *
 * @param id the plugin id (the family id)
 * @param version its version
 * @param state e.g. {@code STARTED}, {@code FAILED}, {@code STOPPED}
 * @param families the families it contributes
 * @param failure why it failed, or null
 */
public record PluginView(String id, String version, String state, List<String> families, String failure) {
    public PluginView {
        families = List.copyOf(families);
    }
}
