package org.kmsagent.agent.core.text;

/** GUIDs as Windows writes them: with braces in its event log and licensing fields, without them elsewhere. */
public final class Guids {
    private Guids() {}

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
