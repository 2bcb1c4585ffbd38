package org.kmsagent.agent.simulate;

import java.util.List;

/** A scenario file or flag is wrong: the message names the file, the line or field, and what is wrong. */
public final class ScenarioException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ScenarioException(String source, List<String> problems) {
        super(source + ": "
                + (problems.size() == 1
                        ? problems.get(0)
                        : problems.size() + " problems:\n  " + String.join("\n  ", problems)));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
