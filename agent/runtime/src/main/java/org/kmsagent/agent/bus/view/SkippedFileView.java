package org.kmsagent.agent.bus.view;

/**
 * An entry of the plugins folder that is no plugin jar (a {@code .zip}, a folder) and was not loaded. No plugin
 * failed: it is no {@link PluginView} of state {@code FAILED}.
 *
 * @param file its name in the plugins folder
 * @param reason why it is not loaded
 */
public record SkippedFileView(String file, String reason) {}
