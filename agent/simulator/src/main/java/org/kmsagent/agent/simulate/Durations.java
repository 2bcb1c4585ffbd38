package org.kmsagent.agent.simulate;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;

/** Durations as scenario files write them: {@code 30d}, {@code 2h}, {@code 1d 6h 30m}, {@code -5h}, or ISO-8601. */
final class Durations {
    /**
     * The longest duration a scenario may write (about 274 years): far beyond the longest run (3650 days), and small
     * enough that any start the reader allows (years 1970 to 9999) plus such durations stays well within what the
     * simulated clock holds.
     */
    static final long MAX_DAYS = 100_000;

    static final Duration MAX = Duration.ofDays(MAX_DAYS);

    private static final Pattern PART = Pattern.compile("(\\d+)\\s*(d|h|m|s)");

    private Durations() {}

    /** A field's duration, or null with what is wrong with it added to {@code problems} under {@code field}. */
    static Duration read(String field, String text, List<FieldProblem> problems) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(field, e.getMessage()));
            return null;
        }
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = t.startsWith("-");
        String body = negative || t.startsWith("+") ? t.substring(1).strip() : t;
        if (body.startsWith("p")) {
            try {
                Duration d = bounded(text, Duration.parse(body.toUpperCase(Locale.ROOT)));
                return negative ? d.negated() : d;
            } catch (ArithmeticException e) {
                throw tooLong(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + BoundedInput.shown(text) + "' is not an ISO-8601 duration");
            }
        }
        Matcher m = PART.matcher(body);
        Duration d = Duration.ZERO;
        int end = 0;
        boolean any = false;
        while (m.find()) {
            if (!body.substring(end, m.start()).isBlank()) {
                break;
            }
            try {
                long n = Long.parseLong(m.group(1));
                d = d.plus(
                        switch (m.group(2)) {
                            case "d" -> Duration.ofDays(n);
                            case "h" -> Duration.ofHours(n);
                            case "m" -> Duration.ofMinutes(n);
                            default -> Duration.ofSeconds(n);
                        });
            } catch (NumberFormatException | ArithmeticException e) {
                throw tooLong(text);
            }
            bounded(text, d);
            end = m.end();
            any = true;
        }
        if (!any || !body.substring(end).isBlank()) {
            throw new IllegalArgumentException(
                    "'" + BoundedInput.shown(text) + "' is not a duration: write e.g. 30d, 2h, 1d 6h 30m, 90s");
        }
        return negative ? d.negated() : d;
    }

    /**
     * A what-if's time or length: a whole number of days ({@code 40}, as {@code 40d}) or a duration as {@link #parse}
     * reads it; a number of days beyond {@link #MAX_DAYS} is refused as {@code 100001d} is, whatever its digits.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    static Duration days(String text) {
        String t = text.strip();
        if (t.matches("[+-]?\\d+")) {
            Duration d;
            try {
                d = Duration.ofDays(Long.parseLong(t));
            } catch (NumberFormatException | ArithmeticException e) {
                throw tooLong(text);
            }
            return bounded(text, d);
        }
        return parse(t);
    }

    private static Duration bounded(String text, Duration d) {
        if (d.abs().compareTo(MAX) > 0) {
            throw tooLong(text);
        }
        return d;
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("'" + BoundedInput.shown(text) + "' is too long a duration (at most "
                + MAX_DAYS + "d, about 274 years; a simulation runs at most 3650 days)");
    }

    /** {@code 2d 3h}, {@code 45m}, {@code 0}. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        StringBuilder b = new StringBuilder(d.isNegative() ? "-" : "");
        Duration a = d.abs();
        long days = a.toDays();
        int h = a.toHoursPart();
        int m = a.toMinutesPart();
        int s = a.toSecondsPart();
        if (days > 0) {
            b.append(days).append("d ");
        }
        if (h > 0) {
            b.append(h).append("h ");
        }
        if (m > 0) {
            b.append(m).append("m ");
        }
        if (s > 0) {
            b.append(s).append("s ");
        }
        return b.toString().strip();
    }
}
