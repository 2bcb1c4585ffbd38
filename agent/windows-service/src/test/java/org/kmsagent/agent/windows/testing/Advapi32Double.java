package org.kmsagent.agent.windows.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kmsagent.agent.windows.advapi.Advapi32Service;
import org.kmsagent.agent.windows.advapi.Advapi32Utf16;

/**
 * The gcc-built Advapi32 double (libadvapi32.so in {@code jna.library.path}) with readers for what it recorded.
 * Loading it skips the test with a message where gcc was absent and the library was not built.
 */
public final class Advapi32Double {
    /** Every wait on the double is bounded by this. */
    public static final int TIMEOUT_MS = 10_000;

    private final Advapi32DoubleControl control;
    private final Advapi32Service api;

    private Advapi32Double(Advapi32DoubleControl control, Advapi32Service api) {
        this.control = control;
        this.api = api;
    }

    /** Loads the double and resets it, skipping the test if it was not built. */
    public static Advapi32Double load() {
        String dir = System.getProperty("jna.library.path", "");
        Path file = Path.of(dir, "libadvapi32.so");
        assumeTrue(
                !dir.isEmpty() && Files.isRegularFile(file),
                "native Advapi32 double " + file + " not built (gcc absent, profile native-double inactive): skipping");
        Advapi32Double d = new Advapi32Double(
                Native.load(Advapi32Service.LIBRARY, Advapi32DoubleControl.class), Advapi32Service.load());
        if (d.control.double_reset() != 1) {
            throw new IllegalStateException("the double's dispatcher from an earlier test is still running");
        }
        return d;
    }

    public Advapi32DoubleControl control() {
        return control;
    }

    /** The real bindings, bound to the double. */
    public Advapi32Service api() {
        return api;
    }

    /** One SetServiceStatus call. */
    public record Status(
            int type, int state, int accepted, int win32ExitCode, int specificExitCode, int checkpoint, int waitHint) {}

    /** One ReportEventW call. */
    public record Event(int type, int category, int id, List<String> strings, boolean hadSid, int dataSize) {}

    public List<Status> statuses() {
        List<Status> out = new ArrayList<>();
        int n = control.double_status_count();
        for (int i = 0; i < n; i++) {
            int[] s = new int[7];
            control.double_status(i, s);
            out.add(new Status(s[0], s[1], s[2], s[3], s[4], s[5], s[6]));
        }
        return out;
    }

    public List<Event> events() {
        List<Event> out = new ArrayList<>();
        int n = control.double_event_count();
        for (int i = 0; i < n; i++) {
            int[] e = new int[6];
            control.double_event(i, e);
            List<String> strings = new ArrayList<>();
            for (int j = 0; j < e[3]; j++) {
                strings.add(Advapi32Utf16.read(control.double_event_string(i, j)));
            }
            out.add(new Event(e[0], e[1], e[2], strings, e[4] != 0, e[5]));
        }
        return out;
    }

    /** Waits for a status of this state with at least this checkpoint; fails the test on timeout. */
    public int awaitStatus(int state, int minCheckpoint) {
        int i = control.double_wait_status(state, minCheckpoint, TIMEOUT_MS);
        if (i < 0) {
            throw new AssertionError("no status " + state + " with checkpoint >= " + minCheckpoint + " within "
                    + TIMEOUT_MS + " ms; got " + statuses());
        }
        return i;
    }

    /** Sends a control through the dispatcher to the registered handler and returns the handler's result. */
    public int send(int control) {
        long r = this.control.double_send_control(control, TIMEOUT_MS);
        if (r == -1 || r == -2) {
            throw new AssertionError(
                    "control " + control + " not delivered/answered within " + TIMEOUT_MS + " ms (" + r + ")");
        }
        return (int) r;
    }

    public String tableName() {
        return Advapi32Utf16.read(control.double_table_name());
    }

    public String handlerName() {
        return Advapi32Utf16.read(control.double_handler_name());
    }

    public String sourceName() {
        return Advapi32Utf16.read(control.double_source_name());
    }
}
