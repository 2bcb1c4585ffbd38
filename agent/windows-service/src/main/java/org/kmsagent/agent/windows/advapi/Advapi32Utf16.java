package org.kmsagent.agent.windows.advapi;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * UTF-16LE strings for the advapi32 W functions. Made from bytes, never with {@code WString} or {@code getWideString}:
 * off Windows {@code wchar_t} is 4 bytes and those step by it. licensing-windows has its own ({@code win32.Utf16}): the
 * two modules are peers and this one depends on nothing of the agent (docs/architecture.md).
 */
public final class Advapi32Utf16 {
    private Advapi32Utf16() {}

    /** A NUL-terminated UTF-16LE copy of {@code s} in native memory (JNA frees it once unreachable). */
    public static Memory of(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_16LE);
        Memory m = new Memory(bytes.length + 2L);
        m.write(0, bytes, 0, bytes.length);
        m.setShort(bytes.length, (short) 0);
        return m;
    }

    /** The NUL-terminated UTF-16LE string at {@code p}, read unit by unit; {@code null} for a NULL pointer. */
    public static String read(Pointer p) {
        if (p == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long off = 0; ; off += 2) {
            short unit = p.getShort(off);
            if (unit == 0) {
                break;
            }
            out.write(unit & 0xff);
            out.write((unit >>> 8) & 0xff);
        }
        return out.toString(StandardCharsets.UTF_16LE);
    }
}
