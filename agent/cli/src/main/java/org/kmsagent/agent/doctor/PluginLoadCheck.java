package org.kmsagent.agent.doctor;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.kmsagent.agent.plugin.PluginProblem;

/**
 * The {@code plugins} finding: plugin jars in the plugins folder that did not load. Every command prints them as
 * warnings on standard error, but a diagnosis that passed with a family missing would send the administrator looking
 * in the wrong place, so doctor lists them among its checks. A warning, not a failure: the other families are served.
 */
public final class PluginLoadCheck {
    private PluginLoadCheck() {}

    /**
     * The finding, or empty when every jar loaded.
     *
     * @param loadedPlugins the plugin ids that did load: a refused jar of one of them (a copy, an older version) costs
     *     no family, and is told so
     */
    public static Optional<Finding> check(List<PluginProblem> problems, Set<String> loadedPlugins) {
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        String each = problems.stream()
                .map(p -> p.message()
                        + (p.pluginId().filter(loadedPlugins::contains).isPresent()
                                ? " (its family is served by the jar that loaded)"
                                : ""))
                .collect(Collectors.joining("; "));
        return Optional.of(Finding.warn(
                "agent",
                "plugins",
                problems.size() + (problems.size() == 1 ? " plugin jar" : " plugin jars") + " not loaded: " + each,
                "fix or remove each jar named (docs/plugin-guide.md, \"Installing and checking it\", lists the"
                        + " reasons); a family whose every jar is refused is not kept activated"));
    }
}
