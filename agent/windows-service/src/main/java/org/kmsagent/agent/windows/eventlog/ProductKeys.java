package org.kmsagent.agent.windows.eventlog;

import java.util.Locale;
import org.kmsagent.api.ProductKey;

/**
 * The last five characters of a key an event names. Whole keys in an event's free text are masked by the plugin API's
 * one rule, {@link ProductKey#maskKeysIn}, as the audit log masks them.
 */
public final class ProductKeys {
    private ProductKeys() {}

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
