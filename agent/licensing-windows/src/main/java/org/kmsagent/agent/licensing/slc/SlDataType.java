package org.kmsagent.agent.licensing.slc;

import java.util.Optional;

/** {@code SLDATATYPE}: how a value buffer is encoded (docs/kms-rules.md §8.3). */
public enum SlDataType {
    NONE(0),
    SZ(1),
    BINARY(3),
    DWORD(4),
    MULTI_SZ(7),
    SUM(100);

    private final int code;

    SlDataType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with that code, if it is one SLC defines. */
    public static Optional<SlDataType> of(int code) {
        for (SlDataType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
