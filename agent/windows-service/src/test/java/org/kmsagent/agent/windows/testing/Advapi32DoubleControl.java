package org.kmsagent.agent.windows.testing;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/** The double's test-only exports (src/test/c/advapi32double.c). */
public interface Advapi32DoubleControl extends Library {
    int double_reset();

    int double_set_error(String fn, int err);

    void double_set_dispatcher_timeout(int timeoutMs);

    long double_send_control(int code, int timeoutMs);

    int double_wait_status(int state, int minCheckpoint, int timeoutMs);

    int double_wait_dispatcher_returned(int timeoutMs);

    int double_wait_events(int count, int timeoutMs);

    int double_status_count();

    int double_status(int i, int[] out);

    int double_status_after_stopped();

    int double_bad_handles();

    Pointer double_table_name();

    Pointer double_handler_name();

    int double_event_count();

    int double_event(int i, int[] out);

    Pointer double_event_string(int i, int j);

    Pointer double_source_name();

    int double_source_server_was_null();

    int double_open_sources();

    int double_sources_registered();
}
