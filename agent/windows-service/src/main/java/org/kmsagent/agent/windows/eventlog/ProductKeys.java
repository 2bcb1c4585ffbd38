package org.kmsagent.agent.windows.eventlog;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.api.ProductKey;

/** Keeps whole product keys out of events: only their last five characters are ever written. */
public final class ProductKeys {
    private ProductKeys() {}

    /** A 5x5 product key (25 letters or digits in five dash-separated groups), anywhere in a string. */
    private static final Pattern KEY = Pattern.compile(
            "(?<![A-Za-z0-9])[A-Za-z0-9]{5}-[A-Za-z0-9]{5}-[A-Za-z0-9]{5}-[A-Za-z0-9]{5}-([A-Za-z0-9]{5})(?![A-Za-z0-9])");

    /** Every whole key in {@code text} replaced by its last five as {@link ProductKey#shownFromLastFive} shows them. */
    public static String maskKeys(String text) {
        Matcher m = KEY.matcher(text);
        if (!m.find()) {
            return text;
        }
        m.reset();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, ProductKey.shownFromLastFive(m.group(1)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The last five key characters of {@code keyOrPartial}: of a whole key, of a partial key as the licensing service
     * reports it, or of anything longer; "" for null. Dashes and spaces are not counted. Not {@link
     * ProductKey#lastFive()}: an event must be written whatever text its caller holds, valid key or not.
     */
    public static String lastFive(String keyOrPartial) {
        if (keyOrPartial == null) {
            return "";
        }
        String compact = keyOrPartial.replaceAll("[\\s-]", "");
        return compact.substring(Math.max(0, compact.length() - 5)).toUpperCase(Locale.ROOT);
    }
}
