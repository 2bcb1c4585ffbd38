package org.kmsagent.api;

import java.util.Locale;

/** The channel of an installed product key, as SLC's {@code Channel} value names it (docs/kms-rules.md §8.1). */
public enum KeyChannel {
    /** Volume: KMS client setup key; activates against a KMS host. */
    VOLUME_GVLK("Volume:GVLK"),
    /** Volume: Multiple Activation Key; activates online with Microsoft. */
    VOLUME_MAK("Volume:MAK"),
    /** Volume: KMS host key. */
    VOLUME_CSVLK("Volume:CSVLK"),
    RETAIL("Retail"),
    OEM("OEM"),
    UNKNOWN("Unknown");

    private final String slcName;

    KeyChannel(String slcName) {
        this.slcName = slcName;
    }

    /** The text SLC and WMI report, e.g. {@code Volume:GVLK}. */
    public String slcName() {
        return slcName;
    }

    /** Maps SLC's channel text ({@code OEM:DM} and {@code OEM:NONSLP} are both OEM). */
    public static KeyChannel fromSlcName(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        for (KeyChannel c : values()) {
            if (c.slcName.equalsIgnoreCase(text)) {
                return c;
            }
        }
        return text.toUpperCase(Locale.ROOT).startsWith("OEM") ? OEM : UNKNOWN;
    }
}
