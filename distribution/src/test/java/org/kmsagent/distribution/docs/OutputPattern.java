package org.kmsagent.distribution.docs;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The output a doc shows under a command, as a pattern: a line that is only {@code …} stands for any number of lines
 * (none too), and {@code …} within a line for any text on that line (times, paths, ids). Everything else must match
 * exactly, trailing spaces aside.
 */
final class OutputPattern {
    static final String ELLIPSIS = "…";

    private final List<DocBlocks.Line> expected;
    private final Pattern[] lines;
    private int furthest = -1;
    private int furthestActual = -1;

    OutputPattern(List<DocBlocks.Line> expected) {
        this.expected = trimBlankEnd(expected);
        this.lines = new Pattern[this.expected.size()];
        for (int i = 0; i < lines.length; i++) {
            String text = this.expected.get(i).text().stripTrailing();
            lines[i] = Pattern.compile(text.contains(ELLIPSIS) ? joinWildcards(text) : Pattern.quote(text));
        }
    }

    private static String joinWildcards(String text) {
        StringBuilder regex = new StringBuilder();
        String[] parts = text.split(ELLIPSIS, -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return regex.toString();
    }

    private static List<DocBlocks.Line> trimBlankEnd(List<DocBlocks.Line> lines) {
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).text().isBlank()) {
            end--;
        }
        return lines.subList(0, end);
    }

    private boolean anyLines(int i) {
        return expected.get(i).text().strip().equals(ELLIPSIS);
    }

    /** Null when the actual output matches; otherwise where and how it differs, for the failure message. */
    String mismatch(List<String> actual) {
        if (matches(actual)) {
            return null;
        }
        if (furthest >= lines.length) {
            return "it printed more than the docs show, from: " + quote(actual.get(furthestActual));
        }
        DocBlocks.Line want = expected.get(furthest);
        return "line " + want.number() + " expects " + quote(want.text()) + ", but it printed "
                + (furthestActual < actual.size() ? quote(actual.get(furthestActual)) : "no more lines");
    }

    /**
     * Glob matching over lines, a {@code …} line being the star: on a miss, the last star takes one more line and
     * the lines after it are tried again (enough, since every other pattern line matches exactly one line).
     */
    private boolean matches(List<String> actual) {
        furthest = -1;
        furthestActual = -1;
        int i = 0;
        int j = 0;
        int star = -1;
        int starActual = 0;
        while (j < actual.size()) {
            if (i < lines.length && anyLines(i)) {
                star = i++;
                starActual = j;
            } else if (i < lines.length
                    && lines[i].matcher(actual.get(j).stripTrailing()).matches()) {
                i++;
                j++;
            } else {
                note(i, j);
                if (star < 0) {
                    return false;
                }
                i = star + 1;
                j = ++starActual;
            }
        }
        while (i < lines.length && anyLines(i)) {
            i++;
        }
        note(i, j);
        return i == lines.length;
    }

    private void note(int i, int j) {
        if (i > furthest || i == furthest && j > furthestActual) {
            furthest = i;
            furthestActual = j;
        }
    }

    private static String quote(String s) {
        return "`" + (s.length() > 160 ? s.substring(0, 160) + "…" : s) + "`";
    }
}
