package org.kmsagent.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
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
    /** A symbol of the alphabet in either case: a person types a key in lower case as often as not. */
    private static final String SHAPE_SYMBOL = "[" + SYMBOLS + SYMBOLS.toLowerCase(Locale.ROOT) + "]";
    /**
     * Anything shaped like a product key, standing alone (no letter or digit on either side): five groups of five
     * symbols of the alphabet joined by hyphens, or 25 such symbols without them. The last five are group 1 or 2.
     */
    private static final Pattern SHAPE = Pattern.compile("(?<![A-Za-z0-9])(?:"
            + SHAPE_SYMBOL + "{5}(?:-" + SHAPE_SYMBOL + "{5}){3}-(" + SHAPE_SYMBOL + "{5})"
            + "|" + SHAPE_SYMBOL + "{20}(" + SHAPE_SYMBOL + "{5})"
            + ")(?![A-Za-z0-9])");

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

    /**
     * Whether {@code text} (spaces around it aside) has a product key's shape: five groups of five characters of the
     * product-key alphabet joined by hyphens, or 25 of them without, in either case. Validity (at most one {@code N})
     * is not asked: a key with a typo is still a key that must not be stored or shown whole.
     */
    public static boolean hasKeyShape(String text) {
        if (text == null) {
            return false;
        }
        Matcher m = SHAPE.matcher(text.strip());
        return m.matches();
    }

    /**
     * {@code text} with everything in it shaped like a product key ({@link #hasKeyShape}) shown as {@link
     * #shownFromLastFive} shows a key: {@code family=BCDFG-HJKMP-QRTVW-XY234-6789B} becomes {@code
     * family=XXXXX-XXXXX-XXXXX-XXXXX-6789B}. For text that may hold a key in any place (a client's request, a reason
     * quoting it) on its way to a log or a stored record. Null stays null.
     */
    public static String maskKeysIn(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = SHAPE.matcher(text);
        if (!m.find()) {
            return text;
        }
        m.reset();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String lastFive = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(shownFromLastFive(lastFive)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Text given where a product key goes (a request's {@code key} field), whatever it holds, shown as {@link
     * #shownFromLastFive} shows a key: by its last five characters; text of five characters or fewer as {@code
     * XXXXX-XXXXX-XXXXX-XXXXX-?????}, so that nothing shows more than five characters of a key.
     */
    public static String shownMasked(String text) {
        String t = text == null ? "" : text.strip();
        return shownFromLastFive(t.length() <= 5 ? null : t.substring(t.length() - 5));
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
