package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Library;

/** The native double's scripting interface (agent/tests/src/test/c/slcdouble.c); test-only exports. */
public interface SlcDoubleControl extends Library {
    int SCOPE_SKU = 0;
    int SCOPE_PKEY = 1;
    int SCOPE_APP = 2;
    int SCOPE_SERVICE = 3;
    int SCOPE_GENUINE = 4;

    int SL_DATA_SZ = 1;
    int SL_DATA_BINARY = 3;
    int SL_DATA_DWORD = 4;
    int SL_DATA_MULTI_SZ = 7;

    int MALFORMED_NONE = 0;
    int MALFORMED_NULL_POINTER = 1;
    int MALFORMED_ZERO_COUNT = 2;
    int MALFORMED_TRUNCATED = 3;

    String double_library_name();

    long double_outstanding_allocations();

    long double_bad_frees();

    long double_open_handles();

    void double_reset();

    int double_set_error(String fn, int hr);

    int double_set_malformed(String fn, int mode);

    int double_set_value(int scope, String id, String name, int type, String text, int dword);

    int double_add_sku(String app, String sku, String name, String description);

    int double_set_key(String sku, String pkey, String partial, String channel);

    int double_set_status(
            String sku, int status, int graceMinutes, int totalGraceDays, int hrReason, long validityFileTime);
}
