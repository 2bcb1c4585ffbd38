package org.kmsagent.agent.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * A YAML syntax error of a hand-written file, where the mistake is and in a user's words rather than the parser's:
 * the one translation of SnakeYAML's errors, said so by the agent's configuration ({@code agent.yaml:9: ... (line 9,
 * column 3)}) and by the simulator's files ({@code line 9, column 3: ...}). The commonest are put in words: a tab in
 * the indentation (the parser names the place it was scanning from, lines above), a line indented to no column of the
 * lines above ({@code expected <block end>, but found '<block mapping start>'}) and one indented deeper ({@code
 * mapping values are not allowed here}), a backslash in double quotes that starts no escape (a Windows path, {@code
 * "C:\ProgramData"}), a key without its ':' (at the key, not at the line after it where the parser gave up), a quote,
 * '{' or '[' the file ends inside (where it opened, not at the file's end), and a character YAML refuses outright (at
 * the character). Any other is said where the parser found it, in its words; never on a line past the file's end.
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
        ESCAPE,
        /** A key without its ':', at the key. */
        NO_COLON,
        /** A quote, '{' or '[' the file ends inside, where it opened. */
        NOT_CLOSED,
        /** A character YAML refuses wherever it is (a control character), at the character. */
        CHARACTER,
        /** Any other syntax error, in the parser's words. */
        OTHER
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

    private static final String CUT_SHORT = ": is the file cut short?";

    /**
     * The mistake a parser's error over {@code text} is, or empty for an error that is no YAML syntax error (a key
     * written twice, a value of the wrong type: Jackson's, said with its own location).
     */
    public static Optional<YamlMistake> of(JsonProcessingException e, String text) {
        if (e.getCause() instanceof ReaderException r) {
            return Optional.of(character(r, text));
        }
        if (!(e.getCause() instanceof MarkedYAMLException m) || m.getProblemMark() == null) {
            return Optional.empty();
        }
        Mark problem = m.getProblemMark();
        Mark context = m.getContextMark();
        String said = m.getProblem() == null ? "" : m.getProblem();
        String during = m.getContext() == null ? "" : m.getContext();
        if (said.contains("(TAB)") || said.contains("tab character")) {
            return Optional.of(at(problem, text, Kind.TAB, "a tab; YAML indents with spaces"));
        }
        if (said.startsWith("expected <block end>")) {
            return Optional.of(at(
                    problem,
                    text,
                    Kind.INDENTATION,
                    "the indentation does not match the lines above"
                            + (context == null ? "" : " (the block from line " + (context.getLine() + 1) + ")")));
        }
        Matcher escape = UNKNOWN_ESCAPE.matcher(said);
        if (escape.matches()) {
            return Optional.of(at(
                    problem,
                    text,
                    Kind.ESCAPE,
                    (escape.group(1) == null ? "\\x, \\u or \\U without its hex digits" : "\\" + escape.group(1))
                            + " is no escape in double quotes; " + WINDOWS_PATHS + "a backslash starts an escape"));
        }
        if (said.startsWith("mapping values are not allowed here")) {
            // A block's first key without its ':' (`bridge:` then `  port 7690` then `  host: …`): the parser reads
            // the two lines as one value and gives up at the second's ':'. The key is the line above, as deep.
            Optional<YamlMistake> keyAbove = keyWithoutColonAbove(problem, text);
            if (keyAbove.isPresent()) {
                return keyAbove;
            }
            return Optional.of(at(
                    problem,
                    text,
                    Kind.VALUE_WHERE_NONE_MAY_BE,
                    "a 'field: value' where none may be: is the line indented deeper than the one above, or does a"
                            + " value hold ': ' (then quote it)?"));
        }
        boolean ends = problem.getIndex() >= text.codePointCount(0, text.length())
                || said.contains("end of stream")
                || said.contains("<stream end>");
        // SnakeYAML gives up on the line after a key without its ':' (past the file's end for its last line): the key
        // is its context mark.
        if (context != null && said.startsWith("could not find expected ':'")) {
            String key = lineFrom(text, context);
            if (!key.isEmpty()) {
                return Optional.of(at(
                        context,
                        text,
                        Kind.NO_COLON,
                        "'" + BoundedInput.shown(key) + "' has no ':' after its key"
                                // A last line without its end: the file may have been cut in the key.
                                + (ends && !text.endsWith("\n") ? "; the file ends there" + CUT_SHORT : "")));
            }
        }
        if (context != null && ends) {
            String opened = during.contains("quoted scalar")
                    ? "the quote"
                    : during.contains("flow mapping") ? "the '{'" : during.contains("flow sequence") ? "the '['" : null;
            if (opened != null) {
                return Optional.of(at(
                        context,
                        text,
                        Kind.NOT_CLOSED,
                        opened + " opened here is not closed before the file ends" + CUT_SHORT));
            }
        }
        if (ends) {
            // Nothing after the opener at all ('hubs: [' as the file's last text): the parser names no context, only
            // the end it found where a value should be. The opener is the file's last character.
            Optional<YamlMistake> bare = openerAtTheEnd(text);
            if (bare.isPresent()) {
                return bare;
            }
        }
        YamlMistake other = at(problem, text, Kind.OTHER, BoundedInput.reason(said));
        if (context != null && !during.isEmpty() && context.getIndex() != problem.getIndex()) {
            YamlMistake from = at(context, text, Kind.OTHER, "");
            other = new YamlMistake(
                    other.line(),
                    other.column(),
                    Kind.OTHER,
                    other.what() + " (" + BoundedInput.reason(during) + " at " + from.where() + ")");
        }
        return Optional.of(other);
    }

    /**
     * A '[' or '{' as the last character of the file but blanks: not closed, said where it is. (A quote the file ends
     * in always comes with the parser's context, above.)
     */
    private static Optional<YamlMistake> openerAtTheEnd(String text) {
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end == 0) {
            return Optional.empty();
        }
        char c = text.charAt(end - 1);
        if (c != '[' && c != '{') {
            return Optional.empty();
        }
        String opened = "the '" + c + "'";
        return Optional.of(atChar(
                text,
                end - 1,
                Kind.NOT_CLOSED,
                opened + " opened here is not closed before the file ends" + CUT_SHORT));
    }

    /** The mistake at the {@code at}th char of the text (0-based), its column counted in code points. */
    private static YamlMistake atChar(String text, int at, Kind kind, String what) {
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        return new YamlMistake(line, text.codePointCount(lineStart, at) + 1, kind, what);
    }

    /** {@code line 4, column 7}. */
    public String where() {
        return new DocumentBinding.Position(line, column).where();
    }

    /**
     * The mistake at a mark of the parser (0-based), kept in the file: a mark past its last line (the parser stood at
     * the end of the stream, after the last line's end) is said at the end of that last line.
     */
    private static YamlMistake at(Mark mark, String text, Kind kind, String what) {
        List<String> lines = text.lines().toList();
        if (mark.getLine() < lines.size() || lines.isEmpty()) {
            return new YamlMistake(mark.getLine() + 1, mark.getColumn() + 1, kind, what);
        }
        String last = lines.get(lines.size() - 1);
        return new YamlMistake(lines.size(), last.codePointCount(0, last.length()) + 1, kind, what);
    }

    /** A character refused wherever it is, at the character: the reader counts code points from the text's start. */
    private static YamlMistake character(ReaderException r, String text) {
        int points = text.codePointCount(0, text.length());
        int at = text.offsetByCodePoints(0, Math.max(0, Math.min(r.getPosition(), points)));
        int c = r.getCodePoint();
        String name = String.format("U+%04X", c);
        return atChar(
                text,
                at,
                Kind.CHARACTER,
                (Character.isISOControl(c) ? "the control character " : "the character ") + name
                        + " may not be in a YAML file; remove it");
    }

    /**
     * The line above the mark's, when it is a key without its ':' that the parser took as the start of a value
     * running into the mark's line: indented as deep, no ':' in it, no comment, list item or quote. Empty otherwise.
     */
    private static Optional<YamlMistake> keyWithoutColonAbove(Mark problem, String text) {
        List<String> lines = text.lines().toList();
        int at = problem.getLine();
        if (at < 1 || at >= lines.size()) {
            return Optional.empty();
        }
        int above = at - 1;
        while (above >= 0 && lines.get(above).isBlank()) {
            above--;
        }
        if (above < 0) {
            return Optional.empty();
        }
        String line = lines.get(above);
        String key = line.strip();
        if (indent(line) != indent(lines.get(at))
                || key.contains(":")
                || key.startsWith("#")
                || key.startsWith("-")
                || key.startsWith("\"")
                || key.startsWith("'")) {
            return Optional.empty();
        }
        return Optional.of(new YamlMistake(
                above + 1,
                indent(line) + 1,
                Kind.NO_COLON,
                "'" + BoundedInput.shown(key) + "' has no ':' after its key"));
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** The text of the mark's line from its column on, stripped; empty when there is none. */
    private static String lineFrom(String text, Mark mark) {
        List<String> lines = text.lines().toList();
        if (mark.getLine() >= lines.size()) {
            return "";
        }
        String line = lines.get(mark.getLine());
        int column = Math.min(mark.getColumn(), line.codePointCount(0, line.length()));
        return line.substring(line.offsetByCodePoints(0, column)).strip();
    }
}
