package org.kmsagent.agent.windows.eventlog;

import com.sun.jna.Platform;
import java.util.Arrays;
import java.util.List;
import org.kmsagent.agent.windows.advapi.Advapi32Service;

/**
 * Writes kms-agent's events ({@link AgentEventId}) to the Windows Application log under the agent's event source.
 *
 * <p>Writing never throws for a failure of the log itself (a full or unreachable log must not stop the agent): such
 * failures are logged through SLF4J and counted. It does throw {@link IllegalArgumentException} for a programming
 * error, a wrong number of insertion strings. {@link AgentEvents} gives one typed method per event.
 */
public interface EventLogWriter extends AutoCloseable {

    /** The agent's event source: the key {@code HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\kms-agent}. */
    String SOURCE = "kms-agent";

    /** System property that makes {@link #open(String)} bind {@code advapi32} off Windows too (tests, with the double). */
    String FORCE_PROPERTY = "kmsagent.eventlog.force";

    /**
     * Writes {@code event} with its insertion strings, in the order {@link AgentEventId#insertions()} documents.
     * Strings are masked ({@link org.kmsagent.api.ProductKey#maskKeysIn}) and shortened ({@link #MAX_STRING}) before they are written.
     *
     * @throws IllegalArgumentException if the number of strings is not the event's
     */
    void report(AgentEventId event, List<String> strings);

    /** {@link #report(AgentEventId, List)} with varargs. */
    default void report(AgentEventId event, String... strings) {
        report(event, Arrays.asList(strings));
    }

    /** Whether events reach a real log (false for the no-op writer). */
    boolean isLive();

    /** Events the log refused since this writer was opened. */
    long failures();

    /** Deregisters the event source. Later reports are dropped. */
    @Override
    void close();

    /** The longest insertion string written, in UTF-16 units; longer ones are cut with a marker (ReportEventW limit 31,839). */
    int MAX_STRING = 8000;

    /**
     * The writer for {@code source}: on Windows (or with {@link #FORCE_PROPERTY} set to {@code true}) bound to
     * {@code advapi32}; elsewhere a no-op writer. If registering the source fails, a no-op writer is returned and the
     * failure is logged: the agent runs on without its Event Log.
     */
    static EventLogWriter open(String source) {
        if (!Platform.isWindows() && !Boolean.getBoolean(FORCE_PROPERTY)) {
            return new NoopEventLogWriter();
        }
        try {
            return NativeEventLogWriter.open(Advapi32Service.load(), source);
        } catch (UnsatisfiedLinkError | EventSourceException e) {
            NativeEventLogWriter.LOG.warn(
                    "Event Log unavailable ({}); events go to the agent's log only", e.getMessage());
            return new NoopEventLogWriter();
        }
    }

    /**
     * The writer for {@code source} bound to {@code api} (the double in tests).
     *
     * @throws EventSourceException if {@code RegisterEventSourceW} fails
     */
    static EventLogWriter open(Advapi32Service api, String source) {
        return NativeEventLogWriter.open(api, source);
    }

    /** A writer that drops every event (off Windows), still checking the number of strings. */
    static EventLogWriter noop() {
        return new NoopEventLogWriter();
    }

    /** Checks that {@code strings} fits {@code event}. */
    static void checkArity(AgentEventId event, List<String> strings) {
        if (strings.size() != event.insertions().size()) {
            throw new IllegalArgumentException(
                    event + " (" + event.id() + ") takes " + event.insertions().size() + " insertion strings "
                            + event.insertions() + ", got " + strings.size());
        }
    }
}
