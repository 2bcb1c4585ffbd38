package org.kmsagent.agent.core;

import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * A whole number a person wrote as text, within a range: a command-line option ({@code --days 30}) or a query-string
 * parameter ({@code ?days=30}). Read and checked in one step, so that a number too large for any type ({@code
 * 99999999999} for an {@code int}, twenty digits for a {@code long}) is out of the range like any other, and every
 * refusal can say the range: {@code expected a whole number 0-3650}. Every refusal of a whole number a person can
 * meet (an option, a bus field, a query string, a configuration key, a scenario's field) is worded here, so that
 * each says it the same way: {@code FIELD: expected a whole number MIN-MAX, got N}.
 */
public final class WholeNumber {
    private WholeNumber() {}

    /** The number {@code text} is when that is within {@code min}-{@code max}; empty for anything else. */
    public static OptionalLong within(String text, long min, long max) {
        if (!isWritten(text)) {
            return OptionalLong.empty();
        }
        BigInteger n = new BigInteger(text);
        return n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0
                ? OptionalLong.of(n.longValueExact())
                : OptionalLong.empty();
    }

    /**
     * Whether {@code text} is written as a whole number, however large: digits, perhaps after a minus sign. No
     * exponent ({@code 1e999999999}), which would make a huge number to compare.
     */
    public static boolean isWritten(String text) {
        return text != null && text.matches("-?[0-9]+");
    }

    /**
     * What is accepted, as a refusal says it: {@code a whole number 1-65535}, {@code a whole number of days 0-3650}.
     * A range from below zero is written with "to" ({@code a whole number -9223372036854775808 to
     * 9223372036854775807}), where a dash between two numbers would read as a minus sign.
     *
     * @param unit what is counted ({@code days}), or empty
     */
    public static String accepted(String unit, long min, long max) {
        return wholeNumber(unit) + min + (min < 0 ? " to " : "-") + max;
    }

    /**
     * What is accepted when only the least is bounded, as a refusal says it: {@code a whole number 1 or more}.
     *
     * @param unit what is counted ({@code machines}), or empty
     */
    public static String accepted(String unit, long min) {
        return wholeNumber(unit) + min + " or more";
    }

    /**
     * The refusal of a whole number, as it follows the name of what was given ({@code port: }): {@code expected a
     * whole number 1-65535, got 70000}, and text that is not written as a whole number quoted back ({@code got
     * 'soon'}), bounded.
     *
     * @param accepted what is accepted, as {@link #accepted} says it
     * @param given what was given, as it was written
     */
    public static String refusal(String accepted, String given) {
        return "expected " + accepted + ", got "
                + (isWritten(given) ? BoundedInput.shown(given) : "'" + BoundedInput.shown(given) + "'");
    }

    /** The refusal of a whole number already read ({@code got 0}); see {@link #refusal(String, String)}. */
    public static String refusal(String accepted, long given) {
        return refusal(accepted, Long.toString(given));
    }

    private static String wholeNumber(String unit) {
        return "a whole number " + (unit.isEmpty() ? "" : "of " + unit + " ");
    }
}
