package org.kmsagent.agent.licensing.win32;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * UTF-16LE strings for this module's native calls (SLC, which has no A/W variants, the registry, WMI and wevtapi).
 * Built from bytes, never with {@code WString} or {@code getWideString}: off Windows {@code wchar_t} is 4 bytes and
 * those step by it (docs/building.md §9 "JNA ").
 */
public final class Utf16 {
    private Utf16() {}

    /** A NUL-terminated UTF-16LE copy of {@code s} in native memory (JNA frees it when unreachable). */
    public static Memory of(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_16LE);
        Memory m = new Memory(bytes.length + 2L);
        m.write(0, bytes, 0, bytes.length);
        m.setShort(bytes.length, (short) 0);
        return m;
    }

    /** The code units of {@code bytes} up to the first NUL unit (or all of them, if no NUL). */
    public static String decode(byte[] bytes) {
        int units = bytes.length / 2;
        int end = units;
        for (int i = 0; i < units; i++) {
            if (bytes[2 * i] == 0 && bytes[2 * i + 1] == 0) {
                end = i;
                break;
            }
        }
        return new String(bytes, 0, end * 2, StandardCharsets.UTF_16LE);
    }

    /** A {@code MULTI_SZ} list: strings separated by NUL units, closed by an empty string. */
    public static List<String> decodeList(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int units = bytes.length / 2;
        int start = 0;
        for (int i = 0; i <= units; i++) {
            boolean nul = i == units || (bytes[2 * i] == 0 && bytes[2 * i + 1] == 0);
            if (!nul) {
                continue;
            }
            if (i == start) {
                break; // the empty string that closes the list (or the end of an unclosed one)
            }
            out.add(new String(bytes, start * 2, (i - start) * 2, StandardCharsets.UTF_16LE));
            start = i + 1;
        }
        return out;
    }
}
