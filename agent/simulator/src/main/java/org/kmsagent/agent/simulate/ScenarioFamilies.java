package org.kmsagent.agent.simulate;

import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;

/** The families a scenario may name: the loaded ones, found by id, and one refusal wherever a scenario names another. */
final class ScenarioFamilies {
    private ScenarioFamilies() {}

    static Optional<LoadedFamily> byId(List<LoadedFamily> families, String id) {
        return families.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    /** {@code field} names a family that is not loaded: {@code no loaded family 'x' (loaded: ...)}. */
    static FieldProblem unknown(String field, String id, List<LoadedFamily> families) {
        return new FieldProblem(field, FamilyRegistry.notLoaded(id, families));
    }
}
