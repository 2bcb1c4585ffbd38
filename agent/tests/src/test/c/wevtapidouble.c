/*
 * A test double of the Windows Event Log API (wevtapi.dll) for Linux: the Evt* functions the agent binds, with the
 * prototypes and behaviour Microsoft documents, over one scripted channel.
 *
 * Strings in and out are NUL-terminated UTF-16LE. EvtRender reports the size it needs (bytes, with the NUL) and fails
 * with ERROR_INSUFFICIENT_BUFFER when the buffer is too small. Errors are reported through errno, which JNA reads as
 * Native.getLastError() off Windows. EvtSeek relative to a bookmark with EvtSeekStrict fails with ERROR_NOT_FOUND when
 * the bookmarked record is no longer in the log (cleared).
 *
 * A test scripts the channel through the wevt_* functions (UTF-8 in): append an event's XML with a record id, clear
 * the log (record ids start again at whatever the test gives), count open handles.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint16_t WCHAR;
typedef int BOOL;

#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INVALID_HANDLE 6
#define ERROR_NO_MORE_ITEMS 259
#define ERROR_NOT_FOUND 1168
#define ERROR_EVT_CHANNEL_NOT_FOUND 15007

#define EvtRenderEventXml 1
#define EvtRenderBookmark 2
#define EvtSeekRelativeToFirst 1
#define EvtSeekRelativeToBookmark 4
#define EvtSeekStrict 0x10000

#define MAX_EVENTS 4096
#define HANDLE_MAGIC 0x45565444u /* "EVTD" */

enum { KIND_QUERY = 1, KIND_EVENT = 2, KIND_BOOKMARK = 3 };

typedef struct {
  uint64_t record_id;
  char* xml; /* UTF-8 */
} Event;

typedef struct {
  uint32_t magic;
  int kind;
  int position;       /* query: index of the next event */
  int64_t record_id;  /* event, bookmark: -1 none */
  char* xml;          /* event: its own copy */
} Handle;

static Event events[MAX_EVENTS];
static int event_count;
static int64_t open_handles;
static const char* CHANNEL = "Key Management Service";

static Handle* new_handle(int kind) {
  Handle* h = calloc(1, sizeof(Handle));
  h->magic = HANDLE_MAGIC;
  h->kind = kind;
  h->record_id = -1;
  open_handles++;
  return h;
}

static Handle* as(void* p, int kind) {
  Handle* h = p;
  if (h == NULL || h->magic != HANDLE_MAGIC || h->kind != kind) {
    return NULL;
  }
  return h;
}

/* UTF-16LE (NUL-terminated) to a malloc'd UTF-8 string; BMP only, which is all the tests send. */
static char* narrow(const WCHAR* w) {
  size_t n = 0;
  while (w[n]) n++;
  char* out = malloc(n * 3 + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned c = w[i];
    if (c < 0x80) {
      out[o++] = (char)c;
    } else if (c < 0x800) {
      out[o++] = (char)(0xC0 | (c >> 6));
      out[o++] = (char)(0x80 | (c & 0x3F));
    } else {
      out[o++] = (char)(0xE0 | (c >> 12));
      out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
      out[o++] = (char)(0x80 | (c & 0x3F));
    }
  }
  out[o] = 0;
  return out;
}

/* UTF-8 to UTF-16LE units (BMP), returns the unit count without the NUL; writes only if out != NULL. */
static size_t widen(const char* s, WCHAR* out) {
  size_t n = 0;
  const unsigned char* p = (const unsigned char*)s;
  while (*p) {
    unsigned c;
    if (*p < 0x80) {
      c = *p++;
    } else if ((*p & 0xE0) == 0xC0) {
      c = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
      p += 2;
    } else {
      c = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      p += 3;
    }
    if (out) out[n] = (WCHAR)c;
    n++;
  }
  if (out) out[n] = 0;
  return n;
}

static int index_of(int64_t record_id) {
  for (int i = 0; i < event_count; i++) {
    if ((int64_t)events[i].record_id == record_id) return i;
  }
  return -1;
}

/* ---- the Evt* functions ---- */

EXPORT void* EvtQuery(void* session, const WCHAR* path, const WCHAR* query, uint32_t flags) {
  (void)session;
  (void)query;
  (void)flags;
  if (path == NULL) {
    errno = ERROR_INVALID_PARAMETER;
    return NULL;
  }
  char* p = narrow(path);
  int ok = strcmp(p, CHANNEL) == 0;
  free(p);
  if (!ok) {
    errno = ERROR_EVT_CHANNEL_NOT_FOUND;
    return NULL;
  }
  Handle* h = new_handle(KIND_QUERY);
  h->position = 0;
  return h;
}

EXPORT BOOL EvtNext(void* result_set, uint32_t size, void** out, uint32_t timeout, uint32_t flags,
    uint32_t* returned) {
  (void)timeout;
  (void)flags;
  Handle* q = as(result_set, KIND_QUERY);
  if (q == NULL || out == NULL || returned == NULL) {
    errno = ERROR_INVALID_HANDLE;
    return 0;
  }
  uint32_t n = 0;
  while (n < size && q->position < event_count) {
    Event* e = &events[q->position++];
    Handle* eh = new_handle(KIND_EVENT);
    eh->record_id = (int64_t)e->record_id;
    eh->xml = strdup(e->xml);
    out[n++] = eh;
  }
  *returned = n;
  if (n == 0) {
    errno = ERROR_NO_MORE_ITEMS;
    return 0;
  }
  return 1;
}

EXPORT BOOL EvtSeek(void* result_set, int64_t position, void* bookmark, uint32_t timeout, uint32_t flags) {
  (void)timeout;
  Handle* q = as(result_set, KIND_QUERY);
  if (q == NULL) {
    errno = ERROR_INVALID_HANDLE;
    return 0;
  }
  int base;
  if ((flags & 0xFFFF) == EvtSeekRelativeToBookmark) {
    Handle* b = as(bookmark, KIND_BOOKMARK);
    if (b == NULL) {
      errno = ERROR_INVALID_HANDLE;
      return 0;
    }
    base = index_of(b->record_id);
    if (base < 0) {
      if (flags & EvtSeekStrict) {
        errno = ERROR_NOT_FOUND;
        return 0;
      }
      base = 0;
    }
  } else if ((flags & 0xFFFF) == EvtSeekRelativeToFirst) {
    base = 0;
  } else {
    errno = ERROR_INVALID_PARAMETER;
    return 0;
  }
  int64_t target = base + position;
  if (target < 0 || target > event_count) {
    errno = ERROR_NOT_FOUND;
    return 0;
  }
  q->position = (int)target;
  return 1;
}

EXPORT BOOL EvtRender(void* context, void* fragment, uint32_t flags, uint32_t buffer_size, void* buffer,
    uint32_t* used, uint32_t* property_count) {
  (void)context;
  char text[512];
  const char* xml;
  if (flags == EvtRenderEventXml) {
    Handle* e = as(fragment, KIND_EVENT);
    if (e == NULL) {
      errno = ERROR_INVALID_HANDLE;
      return 0;
    }
    xml = e->xml;
  } else if (flags == EvtRenderBookmark) {
    Handle* b = as(fragment, KIND_BOOKMARK);
    if (b == NULL) {
      errno = ERROR_INVALID_HANDLE;
      return 0;
    }
    if (b->record_id < 0) {
      snprintf(text, sizeof text, "<BookmarkList>\r\n</BookmarkList>");
    } else {
      snprintf(text, sizeof text,
          "<BookmarkList>\r\n  <Bookmark Channel='%s' RecordId='%lld' IsCurrent='true'/>\r\n</BookmarkList>",
          CHANNEL, (long long)b->record_id);
    }
    xml = text;
  } else {
    errno = ERROR_INVALID_PARAMETER;
    return 0;
  }
  size_t units = widen(xml, NULL);
  uint32_t need = (uint32_t)((units + 1) * sizeof(WCHAR));
  if (used) *used = need;
  if (property_count) *property_count = 0;
  if (buffer == NULL || buffer_size < need) {
    errno = ERROR_INSUFFICIENT_BUFFER;
    return 0;
  }
  widen(xml, (WCHAR*)buffer);
  return 1;
}

EXPORT void* EvtCreateBookmark(const WCHAR* bookmark_xml) {
  int64_t record = -1;
  if (bookmark_xml != NULL) {
    char* s = narrow(bookmark_xml);
    char* at = strstr(s, "RecordId='");
    if (at == NULL || strstr(s, CHANNEL) == NULL) {
      free(s);
      errno = ERROR_INVALID_PARAMETER;
      return NULL;
    }
    record = strtoll(at + strlen("RecordId='"), NULL, 10);
    free(s);
  }
  Handle* b = new_handle(KIND_BOOKMARK);
  b->record_id = record;
  return b;
}

EXPORT BOOL EvtUpdateBookmark(void* bookmark, void* event) {
  Handle* b = as(bookmark, KIND_BOOKMARK);
  Handle* e = as(event, KIND_EVENT);
  if (b == NULL || e == NULL) {
    errno = ERROR_INVALID_HANDLE;
    return 0;
  }
  b->record_id = e->record_id;
  return 1;
}

EXPORT BOOL EvtClose(void* object) {
  Handle* h = object;
  if (h == NULL || h->magic != HANDLE_MAGIC) {
    errno = ERROR_INVALID_HANDLE;
    return 0;
  }
  h->magic = 0;
  free(h->xml);
  free(h);
  open_handles--;
  return 1;
}

/* ---- scripting (test only) ---- */

EXPORT void wevt_reset(void) {
  for (int i = 0; i < event_count; i++) free(events[i].xml);
  event_count = 0;
  open_handles = 0;
}

/* Appends an event to the channel; returns 0 if full. */
EXPORT int wevt_append(uint64_t record_id, const char* xml_utf8) {
  if (event_count >= MAX_EVENTS || xml_utf8 == NULL) return 0;
  events[event_count].record_id = record_id;
  events[event_count].xml = strdup(xml_utf8);
  event_count++;
  return 1;
}

/* Clears the channel, as "Clear Log" in Event Viewer does. */
EXPORT void wevt_clear(void) {
  for (int i = 0; i < event_count; i++) free(events[i].xml);
  event_count = 0;
}

EXPORT int64_t wevt_open_handles(void) {
  return open_handles;
}
