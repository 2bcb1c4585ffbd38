package org.kmsagent.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A 25-character product key (GVLK, MAK, retail), written as five groups of five.
 *
 * <p>Validation follows docs/kms-rules.md §6: the 24-symbol alphabet {@code BCDFGHJKMPQRTVWXY2346789} plus at most
 * one {@code N} (keys of the Windows 8 generation and later carry exactly one). Input is upper-cased and may
 * omit the hyphens.
 *
 * <p>{@link #toString()} masks all but the last five characters, as Windows does
 * ({@code XXXXX-XXXXX-XXXXX-XXXXX-HVTHH}), so a key that reaches a log or an exception is never whole. Only
 * {@link #value()} gives the whole key; call it where the key must be used (installing it) or where the user
 * asked for it (the {@code gvlk} command).
 *
 * @param value the whole key, canonical form {@code AAAAA-BBBBB-CCCCC-DDDDD-EEEEE}
 */
public record ProductKey(String value) {
    private static final String SYMBOLS = "BCDFGHJKMPQRTVWXY2346789N";
    private static final Pattern FORMAT = Pattern.compile("[" + SYMBOLS + "]{5}(-[" + SYMBOLS + "]{5}){4}");
    private static final Pattern LAST_FIVE = Pattern.compile("[A-Za-z0-9]{5}");

    public ProductKey {
        Objects.requireNonNull(value, "product key");
        String problem = problem(value);
        if (problem != null) {
            // The rejected text is not echoed whole: it may be a real key with a typo.
            throw new IllegalArgumentException("malformed product key " + maskText(value) + ": " + problem);
        }
    }

    /**
     * Parses a key typed by a person: upper-cases it and adds the hyphens if it was given as 25 bare characters.
     *
     * @throws IllegalArgumentException naming what is wrong, without echoing the key whole
     */
    public static ProductKey parse(String text) {
        Objects.requireNonNull(text, "product key");
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.length() == 25 && t.indexOf('-') < 0) {
            t = String.join(
                    "-",
                    t.substring(0, 5),
                    t.substring(5, 10),
                    t.substring(10, 15),
                    t.substring(15, 20),
                    t.substring(20));
        }
        return new ProductKey(t);
    }

    /** Why {@code text} is not a canonical product key, or {@code null} if it is one. */
    public static String problem(String text) {
        if (text.length() != 29) {
            return "expected 29 characters (five groups of five joined by hyphens), got " + text.length();
        }
        if (!FORMAT.matcher(text).matches()) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean hyphenSlot = i % 6 == 5;
                if (hyphenSlot && c != '-') {
                    return "expected '-' at position " + (i + 1);
                }
                if (!hyphenSlot && SYMBOLS.indexOf(c) < 0) {
                    // A lower-case letter of the alphabet is the one that looks right: say what is wrong with it.
                    boolean lowerCase = c >= 'a' && c <= 'z' && SYMBOLS.indexOf(Character.toUpperCase(c)) >= 0;
                    return "character at position " + (i + 1)
                            + (lowerCase ? " is lower case: a key is written in upper case, from" : " is not in")
                            + " the product-key alphabet BCDFGHJKMPQRTVWXY2346789 (plus one N)";
                }
            }
        }
        if (text.chars().filter(c -> c == 'N').count() > 1) {
            return "more than one 'N' (a key holds at most one)";
        }
        return null;
    }

    /** The last five characters, which Windows shows as the partial product key. */
    public String lastFive() {
        return value.substring(value.length() - 5);
    }

    /** The key with all but the last five characters replaced by X: {@code XXXXX-XXXXX-XXXXX-XXXXX-HVTHH}. */
    public String masked() {
        return shownFromLastFive(lastFive());
    }

    /**
     * A key known only by its last five characters (a partial product key, a key found in free text), shown as
     * {@link #masked()} shows a whole one: {@code XXXXX-XXXXX-XXXXX-XXXXX-HVTHH}. Logs, audit records and tables use
     * this one format; a sentence gives the five alone, as Windows does ({@code key ending HVTHH} in the Event Log's
     * messages and doctor's findings).
     *
     * <p>{@code lastFive} is upper-cased. Anything but five ASCII letters or digits (null, empty, a whole key, a
     * control character) is shown as {@code ?????} instead of failing: the text often comes from another process,
     * and must neither break the line nor put more than five characters of a key in it.
     *
     * @param lastFive the key's last five characters, as Windows reports a partial product key
     * @return the masked key, always 29 characters
     */
    public static String shownFromLastFive(String lastFive) {
        String shown =
                lastFive != null && LAST_FIVE.matcher(lastFive).matches() ? lastFive.toUpperCase(Locale.ROOT) : "?????";
        return "XXXXX-XXXXX-XXXXX-XXXXX-" + shown;
    }

    /** Whether the key carries the single {@code N} of the Windows 8 / Office 2013 generation and later. */
    public boolean hasGenerationMarker() {
        return value.indexOf('N') >= 0;
    }

    @Override
    public String toString() {
        return masked();
    }

    private static String maskText(String text) {
        String t = text.strip();
        return t.length() <= 5 ? "'" + "X".repeat(t.length()) + "'" : "ending '" + t.substring(t.length() - 5) + "'";
    }
}
