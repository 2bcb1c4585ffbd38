package org.kmsagent.agent.simulate;

import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginProblem;

/**
 * The families a scenario may name: the loaded ones, found by id, and one refusal wherever a scenario names another,
 * which says so when that family's plugin is among the ones that failed to load.
 *
 * @param loaded the loaded families
 * @param failed the plugins that failed to load (printed above the scenario's problems)
 */
record ScenarioFamilies(List<LoadedFamily> loaded, List<PluginProblem> failed) {
    ScenarioFamilies {
        loaded = List.copyOf(loaded);
        failed = List.copyOf(failed);
    }

    Optional<LoadedFamily> byId(String id) {
        return loaded.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    /**
     * {@code field} names a family that is not loaded: {@code no loaded family 'x' (loaded: ...)}, or {@code family 'x'
     * is not loaded: its plugin failed to load (see above: ...)}.
     */
    FieldProblem unknown(String field, String id) {
        return new FieldProblem(field, FamilyRegistry.notLoaded(id, loaded, failed));
    }
}
