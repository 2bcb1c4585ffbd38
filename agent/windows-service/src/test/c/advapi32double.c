/*
 * A test double of the Advapi32 functions kms-agent's Windows service and Event Log code call, for Linux.
 *
 * It exports StartServiceCtrlDispatcherW, RegisterServiceCtrlHandlerExW and SetServiceStatus with the prototypes of
 * winsvc.h, and RegisterEventSourceW, ReportEventW and DeregisterEventSource with those of winbase.h. Strings are
 * UTF-16LE (WCHAR is 2 bytes here too), DWORD/BOOL are 4 bytes, handles are pointers; on failure a function returns
 * FALSE/NULL with errno set to the Win32 error code, which is where JNA's Native.getLastError() reads it off Windows.
 *
 * It behaves like the Service Control Manager's side of a service process, enough for the agent's tests:
 *  - StartServiceCtrlDispatcherW runs the table's ServiceMain on a new thread, then serves controls on the calling
 *    thread (as the real dispatcher does) until the service reports SERVICE_STOPPED, and returns TRUE;
 *  - a test sends controls with double_send_control, which queues one for the dispatcher thread, waits for the
 *    registered HandlerEx to return and hands back its result;
 *  - every SetServiceStatus and every ReportEventW is recorded for the test to read, and waiters are woken.
 * Every wait is bounded by a timeout in milliseconds, so a test never hangs on it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint16_t WCHAR;
typedef uint32_t DWORD;
typedef int32_t BOOL;
typedef uint16_t WORD;
typedef void (*SERVICE_MAIN_FUNCTIONW)(DWORD argc, WCHAR** argv);
typedef DWORD (*HANDLER_FUNCTION_EX)(DWORD control, DWORD event_type, void* event_data, void* context);

typedef struct {
  WCHAR* lpServiceName;
  SERVICE_MAIN_FUNCTIONW lpServiceProc;
} SERVICE_TABLE_ENTRYW;

typedef struct {
  DWORD dwServiceType;
  DWORD dwCurrentState;
  DWORD dwControlsAccepted;
  DWORD dwWin32ExitCode;
  DWORD dwServiceSpecificExitCode;
  DWORD dwCheckPoint;
  DWORD dwWaitHint;
} SERVICE_STATUS;

_Static_assert(sizeof(WCHAR) == 2, "WCHAR is 2 bytes");
_Static_assert(sizeof(SERVICE_STATUS) == 28, "SERVICE_STATUS is 7 DWORDs");
_Static_assert(sizeof(SERVICE_TABLE_ENTRYW) == 16, "SERVICE_TABLE_ENTRYW is two pointers on x64");

#define SERVICE_STOPPED 1
#define ERROR_INVALID_HANDLE 6
#define ERROR_INVALID_PARAMETER 87
#define ERROR_SERVICE_REQUEST_TIMEOUT 1053
#define ERROR_SERVICE_ALREADY_RUNNING 1056

#define MAX_STATUS 4096
#define MAX_EVENTS 512
#define MAX_STRINGS 32
#define MAX_NAME 256

typedef struct {
  WORD type;
  WORD category;
  DWORD id;
  int nstrings;
  WCHAR* strings[MAX_STRINGS];
  int had_sid;
  DWORD data_size;
} Event;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

/* service control */
static SERVICE_STATUS statuses[MAX_STATUS];
static int status_count;
static int stopped;
static int status_after_stopped;
static HANDLER_FUNCTION_EX handler;
static void* handler_context;
static WCHAR handler_name[MAX_NAME];
static WCHAR table_name[MAX_NAME];
static int control_pending;
static DWORD control_code;
static int control_done;
static DWORD control_result;
static int dispatcher_running;
static int dispatcher_returned;
static int dispatcher_timeout_ms = 60000;
static int bad_handles;

/* event log */
static Event events[MAX_EVENTS];
static int event_count;
static int open_sources;
static int sources_registered;
static WCHAR source_name[MAX_NAME];
static int source_server_was_null = 1;

/* scripted failures: a Win32 error code per function, 0 for none */
static int err_dispatcher, err_handler, err_status, err_register, err_report;

static char status_handle_tag;
static char event_handle_tag;
#define STATUS_HANDLE ((void*)&status_handle_tag)
#define EVENT_HANDLE ((void*)&event_handle_tag)

/* ---- helpers ---- */

static size_t wlen(const WCHAR* s) {
  size_t n = 0;
  while (s[n] != 0) n++;
  return n;
}

static WCHAR* wdup(const WCHAR* s) {
  size_t n = wlen(s);
  WCHAR* d = malloc((n + 1) * sizeof(WCHAR));
  if (d != NULL) memcpy(d, s, (n + 1) * sizeof(WCHAR));
  return d;
}

static void wcopy(WCHAR* dst, const WCHAR* src) {
  size_t n = wlen(src);
  if (n >= MAX_NAME) n = MAX_NAME - 1;
  memcpy(dst, src, n * sizeof(WCHAR));
  dst[n] = 0;
}

static struct timespec deadline(int timeout_ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += timeout_ms / 1000;
  ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/* Waits on cv (mu held) until the deadline; returns 0 once it has passed. */
static int wait_until(const struct timespec* ts) {
  return pthread_cond_timedwait(&cv, &mu, ts) != ETIMEDOUT;
}

/* ---- service control (winsvc.h) ---- */

typedef struct {
  SERVICE_MAIN_FUNCTIONW proc;
  WCHAR* argv[2];
} MainArgs;

static void* service_main_thread(void* p) {
  MainArgs* a = p;
  a->proc(1, a->argv); /* argv[0] is the service name, as the SCM passes it */
  free(a->argv[0]);
  free(a);
  return NULL;
}

EXPORT BOOL StartServiceCtrlDispatcherW(const SERVICE_TABLE_ENTRYW* table) {
  if (err_dispatcher != 0) {
    errno = err_dispatcher;
    return 0;
  }
  if (table == NULL || table[0].lpServiceName == NULL || table[0].lpServiceProc == NULL ||
      table[1].lpServiceName != NULL || table[1].lpServiceProc != NULL) {
    errno = ERROR_INVALID_PARAMETER;
    return 0;
  }
  pthread_mutex_lock(&mu);
  if (dispatcher_running) {
    pthread_mutex_unlock(&mu);
    errno = ERROR_SERVICE_ALREADY_RUNNING;
    return 0;
  }
  dispatcher_running = 1;
  dispatcher_returned = 0;
  wcopy(table_name, table[0].lpServiceName);
  pthread_mutex_unlock(&mu);

  MainArgs* a = calloc(1, sizeof(MainArgs));
  a->proc = table[0].lpServiceProc;
  a->argv[0] = wdup(table[0].lpServiceName);
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&t, &attr, service_main_thread, a);
  pthread_attr_destroy(&attr);

  /* The dispatcher loop: controls run on this thread; it ends when the service reports STOPPED. */
  struct timespec ts = deadline(dispatcher_timeout_ms);
  BOOL ok = 1;
  pthread_mutex_lock(&mu);
  for (;;) {
    if (control_pending) {
      DWORD code = control_code;
      HANDLER_FUNCTION_EX h = handler;
      void* ctx = handler_context;
      control_pending = 0;
      pthread_mutex_unlock(&mu);
      DWORD r = h(code, 0, NULL, ctx);
      pthread_mutex_lock(&mu);
      control_result = r;
      control_done = 1;
      pthread_cond_broadcast(&cv);
      continue;
    }
    if (stopped) break;
    if (!wait_until(&ts)) {
      ok = 0;
      break;
    }
  }
  dispatcher_running = 0;
  dispatcher_returned = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  if (!ok) errno = ERROR_SERVICE_REQUEST_TIMEOUT;
  return ok;
}

EXPORT void* RegisterServiceCtrlHandlerExW(const WCHAR* name, HANDLER_FUNCTION_EX proc, void* context) {
  if (err_handler != 0) {
    errno = err_handler;
    return NULL;
  }
  if (name == NULL || proc == NULL) {
    errno = ERROR_INVALID_PARAMETER;
    return NULL;
  }
  pthread_mutex_lock(&mu);
  handler = proc;
  handler_context = context;
  wcopy(handler_name, name);
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  return STATUS_HANDLE;
}

EXPORT BOOL SetServiceStatus(void* h, const SERVICE_STATUS* status) {
  if (h != STATUS_HANDLE || status == NULL) {
    pthread_mutex_lock(&mu);
    bad_handles++;
    pthread_mutex_unlock(&mu);
    errno = ERROR_INVALID_HANDLE;
    return 0;
  }
  if (err_status != 0) {
    errno = err_status;
    return 0;
  }
  pthread_mutex_lock(&mu);
  if (stopped) status_after_stopped++;
  if (status_count < MAX_STATUS) statuses[status_count++] = *status;
  if (status->dwCurrentState == SERVICE_STOPPED) stopped = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  return 1;
}

/* ---- event log (winbase.h) ---- */

EXPORT void* RegisterEventSourceW(const WCHAR* server, const WCHAR* source) {
  if (err_register != 0) {
    errno = err_register;
    return NULL;
  }
  if (source == NULL) {
    errno = ERROR_INVALID_PARAMETER;
    return NULL;
  }
  pthread_mutex_lock(&mu);
  wcopy(source_name, source);
  source_server_was_null = server == NULL;
  open_sources++;
  sources_registered++;
  pthread_mutex_unlock(&mu);
  return EVENT_HANDLE;
}

EXPORT BOOL DeregisterEventSource(void* h) {
  pthread_mutex_lock(&mu);
  if (h != EVENT_HANDLE || open_sources == 0) {
    bad_handles++;
    pthread_mutex_unlock(&mu);
    errno = ERROR_INVALID_HANDLE;
    return 0;
  }
  open_sources--;
  pthread_mutex_unlock(&mu);
  return 1;
}

EXPORT BOOL ReportEventW(void* h, WORD type, WORD category, DWORD id, void* sid, WORD nstrings, DWORD data_size,
    const WCHAR** strings, void* data) {
  (void)data;
  pthread_mutex_lock(&mu);
  if (h != EVENT_HANDLE || open_sources == 0) {
    bad_handles++;
    pthread_mutex_unlock(&mu);
    errno = ERROR_INVALID_HANDLE;
    return 0;
  }
  if (err_report != 0) {
    pthread_mutex_unlock(&mu);
    errno = err_report;
    return 0;
  }
  if (nstrings > MAX_STRINGS || (nstrings > 0 && strings == NULL) || event_count >= MAX_EVENTS) {
    pthread_mutex_unlock(&mu);
    errno = ERROR_INVALID_PARAMETER;
    return 0;
  }
  Event* e = &events[event_count];
  memset(e, 0, sizeof(*e));
  e->type = type;
  e->category = category;
  e->id = id;
  e->nstrings = nstrings;
  e->had_sid = sid != NULL;
  e->data_size = data_size;
  for (int i = 0; i < nstrings; i++) {
    e->strings[i] = strings[i] == NULL ? NULL : wdup(strings[i]);
  }
  event_count++;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  return 1;
}

/* ---- test control: double_* ---- */

/* Clears every record and scripted failure. Refuses (returns 0) while a dispatcher still runs. */
EXPORT int double_reset(void) {
  pthread_mutex_lock(&mu);
  if (dispatcher_running) {
    pthread_mutex_unlock(&mu);
    return 0;
  }
  for (int i = 0; i < event_count; i++) {
    for (int j = 0; j < events[i].nstrings; j++) free(events[i].strings[j]);
  }
  memset(events, 0, sizeof(events));
  event_count = 0;
  status_count = 0;
  stopped = 0;
  status_after_stopped = 0;
  handler = NULL;
  handler_context = NULL;
  handler_name[0] = 0;
  table_name[0] = 0;
  control_pending = 0;
  control_done = 0;
  dispatcher_returned = 0;
  dispatcher_timeout_ms = 60000;
  bad_handles = 0;
  open_sources = 0;
  sources_registered = 0;
  source_name[0] = 0;
  source_server_was_null = 1;
  err_dispatcher = err_handler = err_status = err_register = err_report = 0;
  pthread_mutex_unlock(&mu);
  return 1;
}

/* Makes the named function fail with the Win32 error code err (0 clears). Returns 0 for an unknown name. */
EXPORT int double_set_error(const char* fn, int err) {
  int* slot = NULL;
  if (strcmp(fn, "StartServiceCtrlDispatcherW") == 0) slot = &err_dispatcher;
  else if (strcmp(fn, "RegisterServiceCtrlHandlerExW") == 0) slot = &err_handler;
  else if (strcmp(fn, "SetServiceStatus") == 0) slot = &err_status;
  else if (strcmp(fn, "RegisterEventSourceW") == 0) slot = &err_register;
  else if (strcmp(fn, "ReportEventW") == 0) slot = &err_report;
  if (slot == NULL) return 0;
  pthread_mutex_lock(&mu);
  *slot = err;
  pthread_mutex_unlock(&mu);
  return 1;
}

/* How long the dispatcher waits for SERVICE_STOPPED before it gives up with ERROR_SERVICE_REQUEST_TIMEOUT. */
EXPORT void double_set_dispatcher_timeout(int timeout_ms) {
  pthread_mutex_lock(&mu);
  dispatcher_timeout_ms = timeout_ms;
  pthread_mutex_unlock(&mu);
}

/*
 * Sends a control to the registered handler on the dispatcher thread and returns the handler's result; -1 if no
 * dispatcher or handler was there within the timeout, -2 if the handler did not return within it.
 */
EXPORT long double_send_control(int code, int timeout_ms) {
  struct timespec ts = deadline(timeout_ms);
  pthread_mutex_lock(&mu);
  while (!(dispatcher_running && handler != NULL)) {
    if (!wait_until(&ts)) {
      pthread_mutex_unlock(&mu);
      return -1;
    }
  }
  control_code = (DWORD)code;
  control_done = 0;
  control_pending = 1;
  pthread_cond_broadcast(&cv);
  while (!control_done) {
    if (!wait_until(&ts)) {
      pthread_mutex_unlock(&mu);
      return -2;
    }
  }
  control_done = 0;
  long r = (long)control_result;
  pthread_mutex_unlock(&mu);
  return r;
}

/* Waits until a status with this state (and a checkpoint of at least min_checkpoint) was reported: its index, or -1. */
EXPORT int double_wait_status(int state, int min_checkpoint, int timeout_ms) {
  struct timespec ts = deadline(timeout_ms);
  pthread_mutex_lock(&mu);
  for (int seen = 0;;) {
    for (; seen < status_count; seen++) {
      if (statuses[seen].dwCurrentState == (DWORD)state && statuses[seen].dwCheckPoint >= (DWORD)min_checkpoint) {
        pthread_mutex_unlock(&mu);
        return seen;
      }
    }
    if (!wait_until(&ts)) {
      pthread_mutex_unlock(&mu);
      return -1;
    }
  }
}

/* Waits until the dispatcher has returned; 1 if it has, 0 on timeout. */
EXPORT int double_wait_dispatcher_returned(int timeout_ms) {
  struct timespec ts = deadline(timeout_ms);
  pthread_mutex_lock(&mu);
  while (!dispatcher_returned) {
    if (!wait_until(&ts)) break;
  }
  int r = dispatcher_returned;
  pthread_mutex_unlock(&mu);
  return r;
}

/* Waits until at least count events were reported; the number reported so far. */
EXPORT int double_wait_events(int count, int timeout_ms) {
  struct timespec ts = deadline(timeout_ms);
  pthread_mutex_lock(&mu);
  while (event_count < count) {
    if (!wait_until(&ts)) break;
  }
  int r = event_count;
  pthread_mutex_unlock(&mu);
  return r;
}

EXPORT int double_status_count(void) {
  pthread_mutex_lock(&mu);
  int n = status_count;
  pthread_mutex_unlock(&mu);
  return n;
}

/* Copies status i into out[7] in SERVICE_STATUS order; 0 if there is no such status. */
EXPORT int double_status(int i, DWORD* out) {
  pthread_mutex_lock(&mu);
  if (i < 0 || i >= status_count) {
    pthread_mutex_unlock(&mu);
    return 0;
  }
  memcpy(out, &statuses[i], sizeof(SERVICE_STATUS));
  pthread_mutex_unlock(&mu);
  return 1;
}

EXPORT int double_status_after_stopped(void) {
  return status_after_stopped;
}

EXPORT int double_bad_handles(void) {
  return bad_handles;
}

/* The name the table passed to StartServiceCtrlDispatcherW and the one the handler was registered under. */
EXPORT const WCHAR* double_table_name(void) {
  return table_name;
}

EXPORT const WCHAR* double_handler_name(void) {
  return handler_name;
}

EXPORT int double_event_count(void) {
  pthread_mutex_lock(&mu);
  int n = event_count;
  pthread_mutex_unlock(&mu);
  return n;
}

/* Copies event i's {type, category, id, nstrings, had_sid, data_size} into out[6]; 0 if there is no such event. */
EXPORT int double_event(int i, DWORD* out) {
  pthread_mutex_lock(&mu);
  if (i < 0 || i >= event_count) {
    pthread_mutex_unlock(&mu);
    return 0;
  }
  Event* e = &events[i];
  out[0] = e->type;
  out[1] = e->category;
  out[2] = e->id;
  out[3] = (DWORD)e->nstrings;
  out[4] = (DWORD)e->had_sid;
  out[5] = e->data_size;
  pthread_mutex_unlock(&mu);
  return 1;
}

/* Event i's insertion string j (UTF-16LE, NUL-terminated), or NULL. Valid until double_reset. */
EXPORT const WCHAR* double_event_string(int i, int j) {
  pthread_mutex_lock(&mu);
  const WCHAR* s = NULL;
  if (i >= 0 && i < event_count && j >= 0 && j < events[i].nstrings) s = events[i].strings[j];
  pthread_mutex_unlock(&mu);
  return s;
}

EXPORT const WCHAR* double_source_name(void) {
  return source_name;
}

EXPORT int double_source_server_was_null(void) {
  return source_server_was_null;
}

EXPORT int double_open_sources(void) {
  return open_sources;
}

EXPORT int double_sources_registered(void) {
  return sources_registered;
}
