package org.kmsagent.agent.daemon;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.kmsagent.agent.bus.view.HostSettingsView;

/**
 * The daemon's durable state: each product's schedule, keyed {@code <family>/<skuId>}. Immutable; change it with
 * {@link #with} and save the result.
 *
 * @param revision increases by one on every save (lets an operator, and the kill-safety test, see which write won)
 * @param products the schedules
 * @param machine the simulated machine's licensing store, when the agent drives the simulated stack; else null
 * @param hostSettings host settings changed through the control API, with the configured ones they replaced; null
 *     when none were changed
 */
public record AgentState(
        long revision, Map<String, ProductSchedule> products, StoredMachine machine, StoredHostSettings hostSettings) {

    /**
     * Host settings an administrator set through the control API, and the configuration's settings at that time:
     * they apply again after a restart unless the configuration has been edited since.
     *
     * @param configured the settings the configuration gave when these were set
     * @param set the settings set
     */
    public record StoredHostSettings(HostSettingsView configured, HostSettingsView set) {}

    public AgentState {
        products = Map.copyOf(Objects.requireNonNullElse(products, Map.of()));
    }

    /** A state without a simulated machine or changed host settings. */
    public AgentState(long revision, Map<String, ProductSchedule> products) {
        this(revision, products, null, null);
    }

    /** Nothing stored yet. */
    public static AgentState empty() {
        return new AgentState(0, Map.of());
    }

    /** A copy with the simulated machine's store replaced. */
    public AgentState withMachine(StoredMachine stored) {
        return new AgentState(revision, products, stored, hostSettings);
    }

    /** A copy with the changed host settings replaced. */
    public AgentState withHostSettings(StoredHostSettings settings) {
        return new AgentState(revision, products, machine, settings);
    }

    /** The key of a product. */
    public static String key(String family, String skuId) {
        return family + "/" + skuId;
    }

    /** A copy with one product's schedule replaced. */
    public AgentState with(String key, ProductSchedule schedule) {
        Map<String, ProductSchedule> next = new TreeMap<>(products);
        next.put(key, schedule);
        return new AgentState(revision, next, machine, hostSettings);
    }
}
