package org.kmsagent.agent.windows.eventlog;

import java.util.List;

/** Drops events: the writer off Windows, or where the event source could not be registered. */
final class NoopEventLogWriter implements EventLogWriter {
    @Override
    public void report(AgentEventId event, List<String> strings) {
        EventLogWriter.checkArity(event, strings);
    }

    @Override
    public boolean isLive() {
        return false;
    }

    @Override
    public long failures() {
        return 0;
    }

    @Override
    public void close() {}
}
