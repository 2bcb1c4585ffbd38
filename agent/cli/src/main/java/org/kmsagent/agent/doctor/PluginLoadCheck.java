package org.kmsagent.agent.doctor;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.kmsagent.agent.plugin.PluginProblem;

/**
 * The {@code plugins} finding: plugin jars in the plugins folder that did not load. Every command prints them as
 * warnings on standard error, but a diagnosis that passed with a family missing would send the administrator looking
 * in the wrong place, so doctor lists them among its checks. A warning, not a failure: the other families are served.
 */
public final class PluginLoadCheck {
    private PluginLoadCheck() {}

    /** The finding, or empty when every jar loaded. */
    public static Optional<Finding> check(List<PluginProblem> problems) {
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        String each = problems.stream().map(PluginProblem::message).collect(Collectors.joining("; "));
        return Optional.of(Finding.warn(
                "agent",
                "plugins",
                problems.size() + (problems.size() == 1 ? " plugin jar" : " plugin jars")
                        + " not loaded, so their families are not kept activated: " + each,
                "fix or remove each jar named (docs/plugin-guide.md, \"Installing and checking it\", lists the"
                        + " reasons); the other families are not affected"));
    }
}
