package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The native layout of a Windows {@code GUID} (SLC's {@code SLID}, COM's {@code CLSID} and {@code IID}): 16 bytes,
 * Data1-3 in the machine's byte order (little-endian on x86 and x64), Data4 as 8 bytes in order (docs/kms-rules.md
 * §8.3). A structure argument is passed by reference, so it maps {@code const GUID*}. Convert with {@link NativeGuids}.
 *
 * <p>The project's own mapping, so that the agent needs JNA only, not jna-platform (1.4 MB that the machine agent
 * would ship for this and a handful of calls; docs/performance-log.md, "Machine agent start-up footprint").
 */
@Structure.FieldOrder({"Data1", "Data2", "Data3", "Data4"})
public final class NativeGuid extends Structure {
    public int Data1;
    public short Data2;
    public short Data3;
    public byte[] Data4 = new byte[8];

    public NativeGuid() {
        super();
    }

    /** Reads the GUID at {@code p}. */
    public NativeGuid(Pointer p) {
        super(p);
        read();
    }
}
