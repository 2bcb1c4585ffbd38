package org.kmsagent.agent.core;

import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * A whole number a person wrote as text, within a range: a command-line option ({@code --days 30}) or a query-string
 * parameter ({@code ?days=30}). Read and checked in one step, so that a number too large for any type ({@code
 * 99999999999} for an {@code int}, twenty digits for a {@code long}) is out of the range like any other, and every
 * refusal can say the range: {@code expected a whole number 0-3650}.
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
     *
     * @param unit what is counted ({@code days}), or empty
     */
    public static String accepted(String unit, long min, long max) {
        return "a whole number " + (unit.isEmpty() ? "" : "of " + unit + " ") + min + "-" + max;
    }
}
