package org.kmsagent.agent.licensing.eventlog;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The Windows Event Log functions the agent binds (wevtapi.dll), declared with raw types so that one binding serves
 * Windows and the Linux test double: strings are {@link Pointer}s to NUL-terminated UTF-16LE (off Windows
 * {@code wchar_t} is 4 bytes), {@code EVT_HANDLE} is a {@link Pointer}, {@code DWORD} an {@code int}. On failure a
 * function returns false or null and the error is read with {@code Native.getLastError()}.
 */
public interface Wevtapi extends Library {
    /** {@code EvtQueryChannelPath}: the path names a channel. */
    int EVT_QUERY_CHANNEL_PATH = 0x1;
    /** {@code EvtQueryForwardDirection}: oldest event first. */
    int EVT_QUERY_FORWARD_DIRECTION = 0x100;
    /** {@code EvtRenderEventXml}. */
    int EVT_RENDER_EVENT_XML = 1;
    /** {@code EvtRenderBookmark}. */
    int EVT_RENDER_BOOKMARK = 2;
    /** {@code EvtSeekRelativeToBookmark}. */
    int EVT_SEEK_RELATIVE_TO_BOOKMARK = 4;
    /** {@code EvtSeekStrict}: fail if the bookmarked event no longer exists. */
    int EVT_SEEK_STRICT = 0x10000;

    int ERROR_INSUFFICIENT_BUFFER = 122;
    int ERROR_NO_MORE_ITEMS = 259;
    int ERROR_NOT_FOUND = 1168;
    int ERROR_EVT_CHANNEL_NOT_FOUND = 15007;

    /** {@code EVT_HANDLE EvtQuery(EVT_HANDLE Session, LPCWSTR Path, LPCWSTR Query, DWORD Flags)}. */
    Pointer EvtQuery(Pointer session, Pointer path, Pointer query, int flags);

    /** {@code BOOL EvtNext(EVT_HANDLE ResultSet, DWORD EventsSize, PEVT_HANDLE Events, DWORD Timeout, DWORD Flags,
     * PDWORD Returned)}. */
    boolean EvtNext(
            Pointer resultSet, int eventsSize, Pointer[] events, int timeout, int flags, IntByReference returned);

    /** {@code BOOL EvtSeek(EVT_HANDLE ResultSet, LONGLONG Position, EVT_HANDLE Bookmark, DWORD Timeout, DWORD Flags)}. */
    boolean EvtSeek(Pointer resultSet, long position, Pointer bookmark, int timeout, int flags);

    /** {@code BOOL EvtRender(EVT_HANDLE Context, EVT_HANDLE Fragment, DWORD Flags, DWORD BufferSize, PVOID Buffer,
     * PDWORD BufferUsed, PDWORD PropertyCount)}; sizes in bytes. */
    boolean EvtRender(
            Pointer context,
            Pointer fragment,
            int flags,
            int bufferSize,
            Pointer buffer,
            IntByReference bufferUsed,
            IntByReference propertyCount);

    /** {@code EVT_HANDLE EvtCreateBookmark(LPCWSTR BookmarkXml)}; null XML: a new, empty bookmark. */
    Pointer EvtCreateBookmark(Pointer bookmarkXml);

    /** {@code BOOL EvtUpdateBookmark(EVT_HANDLE Bookmark, EVT_HANDLE Event)}. */
    boolean EvtUpdateBookmark(Pointer bookmark, Pointer event);

    /** {@code BOOL EvtClose(EVT_HANDLE Object)}. */
    boolean EvtClose(Pointer object);
}
