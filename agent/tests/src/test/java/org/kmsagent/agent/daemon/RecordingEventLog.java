package org.kmsagent.agent.daemon;

import java.util.ArrayList;
import java.util.List;
import org.kmsagent.agent.windows.eventlog.AgentEventId;
import org.kmsagent.agent.windows.eventlog.EventLogWriter;

/** An Event Log that keeps every event written to it, in order: for tests of what the agent reports there. */
public final class RecordingEventLog implements EventLogWriter {
    /** One event with its insertion strings. */
    public record Written(AgentEventId id, List<String> strings) {}

    private final List<Written> written = new ArrayList<>();

    /** The events written so far, oldest first. */
    public List<Written> written() {
        return written;
    }

    @Override
    public void report(AgentEventId event, List<String> strings) {
        written.add(new Written(event, List.copyOf(strings)));
    }

    @Override
    public boolean isLive() {
        return true;
    }

    @Override
    public long failures() {
        return 0;
    }

    @Override
    public void close() {}
}
