package org.kmsagent.agent.core.text;

import java.util.Optional;
import java.util.UUID;

/** GUIDs as Windows writes them: with braces in its event log and licensing fields, without them elsewhere. */
public final class Guids {
    private Guids() {}

    /**
     * {@code text} as a GUID when it is one written out in full ({@code 8-4-4-4-12} hex digits, any case), else empty.
     * {@link UUID#fromString} alone also takes {@code 1-2-3-4-5}, which no one means as a GUID.
     */
    public static Optional<UUID> parse(String text) {
        try {
            UUID id = UUID.fromString(text);
            return id.toString().equalsIgnoreCase(text) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code guid} without surrounding blanks and without the braces Windows puts around it ({@code {2B1C...}} as
     * {@code 2B1C...}); its case is kept. Text that is no braced GUID is returned stripped.
     */
    public static String bare(String guid) {
        String t = guid.strip();
        return t.length() >= 2 && t.startsWith("{") && t.endsWith("}")
                ? t.substring(1, t.length() - 1).strip()
                : t;
    }
}
