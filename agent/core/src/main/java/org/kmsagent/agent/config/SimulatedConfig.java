package org.kmsagent.agent.config;

import java.util.List;

/**
 * The machine the simulated licensing stack models for this agent (used when {@code licensing} is {@code simulated},
 * or {@code auto} off Windows). It stands for this computer: its name, its CMID (kept in the data directory) and the
 * editions installed on it.
 *
 * @param editions the installed editions, by their catalog names (e.g. {@code Windows 11 Enterprise}); each is
 *     installed with its GVLK, as volume media ship. Default: one client edition, {@link #DEFAULT_EDITION}, which is
 *     what a typical managed workstation runs; an edition no loaded family knows is reported at start and skipped
 * @param faults faults its licensing service injects; none by default
 */
public record SimulatedConfig(List<String> editions, SimulatedFaultsConfig faults) {
    /** The edition a simulated machine has when the configuration names none. */
    public static final String DEFAULT_EDITION = "Windows 11 Enterprise";

    public SimulatedConfig {
        editions = editions == null ? List.of(DEFAULT_EDITION) : List.copyOf(editions);
        faults = faults == null ? SimulatedFaultsConfig.none() : faults;
    }
}
