package org.kmsagent.agent.licensing.slc;

/** {@code SLIDTYPE}: the kinds of id {@code SLGetSLIDList} maps between (docs/kms-rules.md §8.3). */
public enum SlIdType {
    APPLICATION(0),
    PRODUCT_SKU(1),
    LICENSE_FILE(2),
    LICENSE(3),
    PKEY(4);

    private final int code;

    SlIdType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
