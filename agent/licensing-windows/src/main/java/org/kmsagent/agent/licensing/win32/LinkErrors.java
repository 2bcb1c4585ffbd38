package org.kmsagent.agent.licensing.win32;

import java.util.ArrayList;
import java.util.List;

/** What a library that cannot be loaded here is reported as: JNA's reasons, without its search path. */
public final class LinkErrors {
    private LinkErrors() {}

    /**
     * JNA's message for a library it cannot load, each distinct reason once, on one line, without the resource path
     * it searched: that path is the whole class path (every jar of {@code lib/}, 11 KB on the machine agent), which
     * buried the reason in {@code ctl host}, repeated it in the replies and sent the install's paths to the hub.
     * {@code Unable to load library 'wevtapi': libwevtapi.so: cannot open shared object file: No such file or
     * directory; Native library (linux-x86-64/libwevtapi.so) not found}.
     */
    public static String summary(UnsatisfiedLinkError e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        List<String> parts = new ArrayList<>();
        for (String line : message.split("\\R")) {
            int path = line.indexOf(" in resource path (");
            String part = (path < 0 ? line : line.substring(0, path)).strip();
            if (part.endsWith(":")) {
                part = part.substring(0, part.length() - 1);
            }
            if (!part.isEmpty() && !parts.contains(part)) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            return e.toString();
        }
        String first = parts.remove(0);
        return parts.isEmpty() ? first : first + ": " + String.join("; ", parts);
    }
}
