package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.UUID;

/**
 * Conversions between {@link UUID} and the Windows {@code GUID} layout (Data1-3 little-endian in memory,
 * docs/kms-rules.md §8.3). Going through the text form keeps the byte order right on both sides.
 */
public final class NativeGuids {
    private NativeGuids() {}

    /** A fresh native GUID holding {@code id}: the UUID's text order is Data1, Data2, Data3, then Data4's bytes. */
    public static NativeGuid toGuid(UUID id) {
        NativeGuid g = new NativeGuid();
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        g.Data1 = (int) (msb >>> 32);
        g.Data2 = (short) (msb >>> 16);
        g.Data3 = (short) msb;
        for (int i = 0; i < 8; i++) {
            g.Data4[i] = (byte) (lsb >>> (56 - 8 * i));
        }
        g.write();
        return g;
    }

    /** The UUID a native GUID holds. */
    public static UUID toUuid(NativeGuid guid) {
        long msb = ((guid.Data1 & 0xFFFF_FFFFL) << 32) | ((guid.Data2 & 0xFFFFL) << 16) | (guid.Data3 & 0xFFFFL);
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            lsb = (lsb << 8) | (guid.Data4[i] & 0xFFL);
        }
        return new UUID(msb, lsb);
    }

    /** The GUID at element {@code index} of a native GUID array. */
    static UUID read(Pointer base, int index) {
        return toUuid(new NativeGuid(base.share(16L * index)));
    }

    /**
     * The UUID held by 16 bytes in Windows GUID memory layout (Data1-3 little-endian). Read through native memory,
     * never as a UUID's big-endian bytes: that order swaps the first eight bytes of an SLC {@code ProductSkuId}, as
     * the double's test showed (docs/kms-rules.md §8.5).
     */
    static UUID fromBytes(byte[] sixteen) {
        if (sixteen.length != 16) {
            throw new IllegalArgumentException("a GUID is 16 bytes, got " + sixteen.length);
        }
        Memory m = new Memory(16);
        m.write(0, sixteen, 0, 16);
        return toUuid(new NativeGuid(m));
    }
}
