package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The native layout of {@code SL_LICENSING_STATUS}: 40 bytes, 8-byte aligned, no padding (docs/kms-rules.md §8.3).
 * Field names follow the C struct, as JNA maps them by {@link Structure.FieldOrder}.
 */
@Structure.FieldOrder({"SkuId", "eStatus", "dwGraceTime", "dwTotalGraceDays", "hrReason", "qwValidityExpiration"})
public final class SlLicensingStatusStruct extends Structure {
    /** {@code sizeof(SL_LICENSING_STATUS)} on x86 and x64. */
    public static final int SIZE = 40;

    public NativeGuid SkuId;
    public int eStatus;
    public int dwGraceTime;
    public int dwTotalGraceDays;
    public int hrReason;
    public long qwValidityExpiration;

    public SlLicensingStatusStruct() {
        super();
    }

    /** Reads the record at {@code p}. */
    public SlLicensingStatusStruct(Pointer p) {
        super(p);
        read();
    }

    /** Copies the record into a Java value. */
    public SlLicensingStatus toValue() {
        return new SlLicensingStatus(
                NativeGuids.toUuid(SkuId),
                eStatus,
                Integer.toUnsignedLong(dwGraceTime),
                Integer.toUnsignedLong(dwTotalGraceDays),
                hrReason,
                qwValidityExpiration);
    }
}
