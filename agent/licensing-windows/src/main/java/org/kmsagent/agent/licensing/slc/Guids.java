package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import java.util.Locale;
import java.util.UUID;

/**
 * Conversions between {@link UUID} and the Windows {@code GUID} layout (Data1-3 little-endian in memory,
 * docs/kms-rules.md §8.3). Going through the text form keeps the byte order right on both sides.
 */
public final class Guids {
    private Guids() {}

    /** A fresh native GUID holding {@code id}. */
    public static Guid.GUID toGuid(UUID id) {
        return Guid.GUID.fromString("{" + id + "}");
    }

    /** The UUID a native GUID holds. */
    public static UUID toUuid(Guid.GUID guid) {
        String s = guid.toGuidString();
        return UUID.fromString(s.substring(1, s.length() - 1).toLowerCase(Locale.ROOT));
    }

    /** The GUID at element {@code index} of a native GUID array. */
    static UUID read(Pointer base, int index) {
        return toUuid(new Guid.GUID(base.share(16L * index)));
    }

    /**
     * The UUID held by 16 bytes in Windows GUID memory layout (Data1-3 little-endian). Read through native memory:
     * jna-platform's {@code new GUID(byte[])} reads Data1-3 big-endian (UUID order), which the double's test showed
     * swaps the first eight bytes of an SLC {@code ProductSkuId}, contrary to docs/kms-rules.md §8.5.
     */
    static UUID fromBytes(byte[] sixteen) {
        if (sixteen.length != 16) {
            throw new IllegalArgumentException("a GUID is 16 bytes, got " + sixteen.length);
        }
        Memory m = new Memory(16);
        m.write(0, sixteen, 0, 16);
        return toUuid(new Guid.GUID(m));
    }
}
