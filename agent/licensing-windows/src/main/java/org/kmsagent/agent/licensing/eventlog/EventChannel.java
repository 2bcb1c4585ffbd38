package org.kmsagent.agent.licensing.eventlog;

import java.util.List;

/** Reads one event log channel, oldest event first, as XML; the seam between the watcher and the Evt* binding. */
public interface EventChannel {

    /** A forward query over {@code channel} with the XPath {@code query}, positioned before its oldest event. */
    Query query(String channel, String query) throws EventLogReadException;

    /** An open query: a cursor over the matching events. Not thread-safe. */
    interface Query extends AutoCloseable {

        /**
         * Moves the cursor onto the event {@code bookmarkXml} names, so that {@link #next} returns that event first.
         *
         * @return false if that event is no longer in the log (cleared or overwritten); the cursor is then unchanged
         */
        boolean seek(String bookmarkXml) throws EventLogReadException;

        /** Up to {@code max} next events; empty at the end of the log. */
        Batch next(int max) throws EventLogReadException;

        @Override
        void close();
    }

    /**
     * Events read in one step.
     *
     * @param events each event's XML, oldest first
     * @param bookmarkXml a bookmark on the last of them (null when {@code events} is empty)
     */
    record Batch(List<String> events, String bookmarkXml) {
        public Batch {
            events = List.copyOf(events);
        }
    }
}
