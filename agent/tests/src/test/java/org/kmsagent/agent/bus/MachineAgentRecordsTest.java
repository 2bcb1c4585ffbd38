package org.kmsagent.agent.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.LicensingCallsView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.bus.view.SkippedFileView;
import org.kmsagent.agent.host.GenuineHostView;

/**
 * The records the machine agent's control API writes through {@link BusJson} hold no {@code Optional}: the machine
 * install ships without jackson-datatype-jdk8 (only the hub's forecasts need it), and Jackson refuses an Optional
 * without it. The tests' class path has it, through the hub, so only this check would see one added.
 */
class MachineAgentRecordsTest {
    private static final Set<Class<?>> OPTIONALS =
            Set.of(Optional.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class);

    @Test
    void noRecordTheAgentsControlApiWritesHoldsAnOptional() {
        List<String> found = new ArrayList<>();
        Set<Type> seen = new HashSet<>();
        for (Class<?> view : List.of(
                ProductView.class,
                HostView.class,
                HostSettingsView.class,
                PluginView.class,
                SkippedFileView.class,
                ActionResult.class,
                LicensingCallsView.class,
                GenuineHostView.class)) {
            walk(view, view.getSimpleName(), seen, found);
        }
        assertThat(found).as("record components of type Optional").isEmpty();
        assertThat(seen).as("the walk reached nested records").hasSizeGreaterThan(7);
    }

    private static void walk(Type type, String path, Set<Type> seen, List<String> found) {
        if (type instanceof ParameterizedType p) {
            walk(p.getRawType(), path, seen, found);
            for (Type argument : p.getActualTypeArguments()) {
                walk(argument, path + "<>", seen, found);
            }
            return;
        }
        if (!(type instanceof Class<?> c) || !seen.add(c)) {
            return;
        }
        if (OPTIONALS.contains(c)) {
            found.add(path);
            return;
        }
        if (c.isRecord()) {
            for (RecordComponent component : c.getRecordComponents()) {
                walk(component.getGenericType(), path + "." + component.getName(), seen, found);
            }
        }
    }
}
