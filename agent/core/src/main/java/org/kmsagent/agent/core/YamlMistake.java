package org.kmsagent.agent.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One of the YAML mistakes a hand-written file makes most, where it is and in a user's words rather than the
 * parser's: a tab in the indentation (the parser names the place it was scanning from, lines above), a line indented
 * to no column of the lines above ({@code expected <block end>, but found '<block mapping start>'}) and one indented
 * deeper ({@code mapping values are not allowed here}), and a backslash in double quotes that starts no escape (a
 * Windows path, {@code "C:\ProgramData"}). The configuration and the simulator's files both say them so.
 *
 * @param line 1-based
 * @param column 1-based
 * @param kind which mistake
 * @param what what is wrong, in words
 */
public record YamlMistake(int line, int column, Kind kind, String what) {
    /** The mistakes told apart. */
    public enum Kind {
        TAB,
        INDENTATION,
        /** A field where none may be: the simulator adds the field path the parser stood in. */
        VALUE_WHERE_NONE_MAY_BE,
        /** A backslash in double quotes that starts no escape: most often a Windows path ({@code "C:\ProgramData"}). */
        ESCAPE
    }

    /**
     * How a Windows path is written in YAML, ended by what the backslashes did ({@code \P and \a are escapes}): in
     * double quotes a backslash starts an escape, in single quotes or without quotes it is a backslash. Said by the
     * parser's refusal of an unknown escape ({@link Kind#ESCAPE}) and by the configuration's refusal of a path that
     * holds the control characters known ones made.
     */
    public static final String WINDOWS_PATHS =
            "write Windows paths in single quotes or without quotes: in double quotes ";

    /** SnakeYAML's words for a backslash in double quotes that starts no escape, or a {@code \x} without its digits. */
    private static final Pattern UNKNOWN_ESCAPE =
            Pattern.compile("found unknown escape character (.)\\(\\d+\\)|expected escape sequence of .*");

    /** The mistake a parser's error is, or empty for any other error. */
    public static Optional<YamlMistake> of(JsonProcessingException e) {
        if (!(e.getCause() instanceof MarkedYAMLException m) || m.getProblemMark() == null || m.getProblem() == null) {
            return Optional.empty();
        }
        Mark at = m.getProblemMark();
        int line = at.getLine() + 1;
        int column = at.getColumn() + 1;
        if (m.getProblem().contains("(TAB)") || m.getProblem().contains("tab character")) {
            return Optional.of(new YamlMistake(line, column, Kind.TAB, "a tab; YAML indents with spaces"));
        }
        if (m.getProblem().startsWith("expected <block end>")) {
            Mark block = m.getContextMark();
            return Optional.of(new YamlMistake(
                    line,
                    column,
                    Kind.INDENTATION,
                    "the indentation does not match the lines above"
                            + (block == null ? "" : " (the block from line " + (block.getLine() + 1) + ")")));
        }
        Matcher escape = UNKNOWN_ESCAPE.matcher(m.getProblem());
        if (escape.matches()) {
            return Optional.of(new YamlMistake(
                    line,
                    column,
                    Kind.ESCAPE,
                    (escape.group(1) == null ? "\\x, \\u or \\U without its hex digits" : "\\" + escape.group(1))
                            + " is no escape in double quotes; " + WINDOWS_PATHS + "a backslash starts an escape"));
        }
        if (m.getProblem().startsWith("mapping values are not allowed here")) {
            return Optional.of(new YamlMistake(
                    line,
                    column,
                    Kind.VALUE_WHERE_NONE_MAY_BE,
                    "a 'field: value' where none may be: is the line indented deeper than the one above, or does a"
                            + " value hold ': ' (then quote it)?"));
        }
        return Optional.empty();
    }

    /** {@code line 4, column 7}. */
    public String where() {
        return new DocumentBinding.Position(line, column).where();
    }
}
