package org.kmsagent.agent.licensing.eventlog;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;
import org.kmsagent.agent.licensing.win32.Utf16;
import org.slf4j.LoggerFactory;

/**
 * {@link EventChannel} over the Windows Event Log API (docs/host.md "Watching a genuine host"): {@code EvtQuery} on
 * the channel path, forward; {@code EvtSeek} relative to a bookmark, strictly (a cleared log fails the seek);
 * {@code EvtNext} in batches; {@code EvtRender} of each event as XML; one bookmark per query, updated with each event
 * and rendered after each batch. Every handle is closed before a call returns or when the query closes.
 */
public final class WevtapiChannel implements EventChannel {
    private static final int INITIAL_BUFFER = 4096;
    private static final int MAX_BUFFER = 4 * 1024 * 1024;
    private final Wevtapi api;

    public WevtapiChannel(Wevtapi api) {
        this.api = api;
    }

    /** The binding of {@code library} ({@code wevtapi} on Windows; the test double elsewhere). */
    public static WevtapiChannel forLibrary(String library) {
        return new WevtapiChannel(Native.load(library, Wevtapi.class));
    }

    @Override
    public Query query(String channel, String query) throws EventLogReadException {
        Pointer results = api.EvtQuery(
                null,
                Utf16.of(channel),
                Utf16.of(query),
                Wevtapi.EVT_QUERY_CHANNEL_PATH | Wevtapi.EVT_QUERY_FORWARD_DIRECTION);
        if (results == null) {
            int e = Native.getLastError();
            throw new EventLogReadException("EvtQuery on the channel '" + channel + "' failed: " + describe(e), e);
        }
        Pointer bookmark = api.EvtCreateBookmark(null);
        if (bookmark == null) {
            int e = Native.getLastError();
            api.EvtClose(results);
            throw new EventLogReadException("EvtCreateBookmark failed: " + describe(e), e);
        }
        return new EvtQuery(channel, results, bookmark);
    }

    private final class EvtQuery implements Query {
        private final String channel;
        private final Pointer results;
        private final Pointer bookmark;
        private boolean closed;

        EvtQuery(String channel, Pointer results, Pointer bookmark) {
            this.channel = channel;
            this.results = results;
            this.bookmark = bookmark;
        }

        @Override
        public boolean seek(String bookmarkXml) throws EventLogReadException {
            Pointer target = api.EvtCreateBookmark(Utf16.of(bookmarkXml));
            if (target == null) {
                int e = Native.getLastError();
                throw new EventLogReadException(
                        "EvtCreateBookmark could not read the saved bookmark of '" + channel + "': " + describe(e), e);
            }
            try {
                if (api.EvtSeek(
                        results, 0, target, 0, Wevtapi.EVT_SEEK_RELATIVE_TO_BOOKMARK | Wevtapi.EVT_SEEK_STRICT)) {
                    return true;
                }
                // ERROR_NOT_FOUND is the documented answer when the event is gone; any other failure to seek is treated
                // the same way (read from the oldest event), which is always safe: stored events are not stored twice.
                int e = Native.getLastError();
                if (e != Wevtapi.ERROR_NOT_FOUND && e != Wevtapi.ERROR_NO_MORE_ITEMS) {
                    LoggerFactory.getLogger(WevtapiChannel.class)
                            .warn(
                                    "EvtSeek to the bookmark in '{}' failed:" + " {}; reading from the oldest event",
                                    channel,
                                    describe(e));
                }
                return false;
            } finally {
                api.EvtClose(target);
            }
        }

        @Override
        public Batch next(int max) throws EventLogReadException {
            Pointer[] handles = new Pointer[max];
            IntByReference returned = new IntByReference();
            if (!api.EvtNext(results, max, handles, 0, 0, returned)) {
                int e = Native.getLastError();
                if (e == Wevtapi.ERROR_NO_MORE_ITEMS) {
                    return new Batch(List.of(), null);
                }
                throw new EventLogReadException("EvtNext on '" + channel + "' failed: " + describe(e), e);
            }
            int n = returned.getValue();
            List<String> events = new ArrayList<>(n);
            try {
                for (int i = 0; i < n; i++) {
                    events.add(render(handles[i], Wevtapi.EVT_RENDER_EVENT_XML, "an event of '" + channel + "'"));
                    if (!api.EvtUpdateBookmark(bookmark, handles[i])) {
                        int e = Native.getLastError();
                        throw new EventLogReadException(
                                "EvtUpdateBookmark on '" + channel + "' failed: " + describe(e), e);
                    }
                }
            } finally {
                for (int i = 0; i < n; i++) {
                    api.EvtClose(handles[i]);
                }
            }
            return new Batch(
                    events,
                    n == 0 ? null : render(bookmark, Wevtapi.EVT_RENDER_BOOKMARK, "the bookmark of '" + channel + "'"));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                api.EvtClose(bookmark);
                api.EvtClose(results);
            }
        }
    }

    /** Renders {@code fragment} as XML: asks for the size first, then renders into a buffer of that size. */
    private String render(Pointer fragment, int flags, String what) throws EventLogReadException {
        int size = INITIAL_BUFFER;
        for (int attempt = 0; attempt < 3; attempt++) {
            Memory buffer = new Memory(size);
            IntByReference used = new IntByReference();
            IntByReference props = new IntByReference();
            if (api.EvtRender(null, fragment, flags, size, buffer, used, props)) {
                return Utf16.decode(buffer.getByteArray(0, Math.min(used.getValue(), size)));
            }
            int e = Native.getLastError();
            if (e != Wevtapi.ERROR_INSUFFICIENT_BUFFER || used.getValue() <= size || used.getValue() > MAX_BUFFER) {
                throw new EventLogReadException(
                        "EvtRender of " + what + " failed: " + describe(e)
                                + (e == Wevtapi.ERROR_INSUFFICIENT_BUFFER
                                        ? " (asked for " + used.getValue() + " bytes)"
                                        : ""),
                        e);
            }
            size = used.getValue();
        }
        throw new EventLogReadException("EvtRender of " + what + " kept asking for a larger buffer", 0);
    }

    private static String describe(int error) {
        return switch (error) {
            case Wevtapi.ERROR_EVT_CHANNEL_NOT_FOUND -> "no such channel (error 15007; is this machine a KMS host?)";
            case 5 -> "access denied (error 5; the agent's account cannot read this log)";
            default -> "Win32 error " + error;
        };
    }
}
