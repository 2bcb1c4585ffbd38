package org.kmsagent.agent.simulate;

import java.util.Objects;
import org.kmsagent.agent.core.WholeNumber;

/**
 * A value of a file of the simulator that its checks refuse: the field path it was read from
 * ({@code machines[0].count}) and what is wrong with it. The reader places it (line and column) and leaves it out
 * when that field was already refused for its type, both by the path, so the path is kept as data rather than read
 * back out of the message.
 *
 * @param field the field path, as the reader names it ({@code host.outages[1].to})
 * @param what what is wrong, in words
 */
record FieldProblem(String field, String what) {
    FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(what, "what");
    }

    /** A whole number outside {@code min}-{@code max}: {@code expected a whole number 1-3650, got 0}. */
    static FieldProblem outOfRange(String field, long given, long min, long max) {
        return new FieldProblem(field, WholeNumber.refusal(WholeNumber.accepted("", min, max), given));
    }

    /** A whole number below the least it may be: {@code expected a whole number 1 or more, got 0}. */
    static FieldProblem belowLeast(String field, long given, long min) {
        return new FieldProblem(field, WholeNumber.refusal(WholeNumber.accepted("", min), given));
    }

    /** The problem in words: {@code field 'days': expected a whole number 1-3650, got 0}. */
    String text() {
        return "field '" + field + "': " + what;
    }
}
