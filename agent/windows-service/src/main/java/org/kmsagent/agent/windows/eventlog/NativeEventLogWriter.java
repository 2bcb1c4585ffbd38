package org.kmsagent.agent.windows.eventlog;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.kmsagent.agent.windows.advapi.Advapi32Service;
import org.kmsagent.agent.windows.advapi.Advapi32Utf16;
import org.kmsagent.api.ProductKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link EventLogWriter} over {@code RegisterEventSourceW} / {@code ReportEventW} / {@code DeregisterEventSource}. */
final class NativeEventLogWriter implements EventLogWriter {
    static final Logger LOG = LoggerFactory.getLogger(NativeEventLogWriter.class);

    private final Advapi32Service api;
    private final String source;
    private Pointer handle; // guarded by this
    private long failures; // guarded by this

    private NativeEventLogWriter(Advapi32Service api, String source, Pointer handle) {
        this.api = api;
        this.source = source;
        this.handle = handle;
    }

    static NativeEventLogWriter open(Advapi32Service api, String source) {
        Objects.requireNonNull(source, "source");
        Pointer h = api.RegisterEventSourceW(null, Advapi32Utf16.of(source));
        if (h == null) {
            throw new EventSourceException("RegisterEventSourceW(" + source + ") failed", Native.getLastError());
        }
        return new NativeEventLogWriter(api, source, h);
    }

    @Override
    public synchronized void report(AgentEventId event, List<String> strings) {
        EventLogWriter.checkArity(event, strings);
        if (handle == null) {
            LOG.debug("event source {} closed; dropped event {}", source, event.id());
            return;
        }
        int n = strings.size();
        List<Memory> keep = new ArrayList<>(n); // the strings must stay reachable until ReportEventW returns
        Memory array = n == 0 ? null : new Memory((long) n * Native.POINTER_SIZE);
        for (int i = 0; i < n; i++) {
            Memory s = Advapi32Utf16.of(prepare(strings.get(i)));
            keep.add(s);
            array.setPointer((long) i * Native.POINTER_SIZE, s);
        }
        int ok = api.ReportEventW(
                handle, (short) event.type().code(), (short) 0, event.id(), null, (short) n, 0, array, null);
        if (ok == 0) {
            failures++;
            LOG.warn("ReportEventW failed for event {} ({}): Win32 error {}", event.id(), event, Native.getLastError());
        }
        keep.clear();
    }

    /** Masks keys, replaces null, cuts overlong strings. */
    static String prepare(String s) {
        String t = ProductKey.maskKeysIn(s == null ? "" : s);
        if (t.length() > MAX_STRING) {
            t = t.substring(0, MAX_STRING - 16) + " ...[truncated]";
        }
        return t;
    }

    @Override
    public boolean isLive() {
        return true;
    }

    @Override
    public synchronized long failures() {
        return failures;
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            if (api.DeregisterEventSource(handle) == 0) {
                LOG.warn("DeregisterEventSource({}) failed: Win32 error {}", source, Native.getLastError());
            }
            handle = null;
        }
    }
}
