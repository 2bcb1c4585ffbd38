package org.kmsagent.agent.bus.view;

import java.util.List;

/**
 * One plugin as the plugin host sees it: one per plugin id, however many jars of that id the plugins folder holds.
 *
 * @param id the plugin id (the family id); for a jar whose id could not be read, its file name
 * @param version its version
 * @param state e.g. {@code STARTED}, {@code FAILED}, {@code STOPPED}: {@code STARTED} when a jar of the id is loaded,
 *     whatever the others are
 * @param families the families it contributes
 * @param failure why it failed, or null (a {@code STARTED} plugin has none)
 * @param notes the other jars of this id that did not load, each {@code not loaded: <jar> (plugin <id>): <reason>}:
 *     beside a {@code STARTED} plugin, a copy or another version refused while this one serves; beside a {@code
 *     FAILED} one, the failures of its other jars
 */
public record PluginView(
        String id, String version, String state, List<String> families, String failure, List<String> notes) {
    public PluginView {
        families = List.copyOf(families);
        notes = List.copyOf(notes);
    }
}
