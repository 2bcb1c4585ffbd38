/*
 * A test double of the COM and WMI surface the WMI licensing writer calls (ole32's CoInitializeEx, CoUninitialize,
 * CoCreateInstance and CoSetProxyBlanket; oleaut32's SysAllocString, SysFreeString and VariantClear; and the objects
 * behind IWbemLocator, IWbemServices, IEnumWbemClassObject and IWbemClassObject), for Linux. One library exports
 * both DLLs' functions; the writer is pointed at it by name.
 *
 * Objects are real vtables in the order of wbemcli.idl (IUnknown's QueryInterface, AddRef and Release first), so a
 * wrong slot number, argument order, GUID byte order, BSTR or VARIANT layout on the Java side shows here. Strings
 * are UTF-16LE (WCHAR is 2 bytes); a BSTR is a 4-byte byte count followed by the text, as oleaut32 makes it.
 *
 * Every call is written to a log a test reads with wmi_double_log; wmi_double_live counts objects not released and
 * BSTRs not freed. wmi_double_set_method_result scripts ExecMethod's HRESULT, wmi_double_set_found whether a query
 * finds its object.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint16_t WCHAR;
typedef int32_t HRESULT;

_Static_assert(sizeof(WCHAR) == 2, "WCHAR is 2 bytes");

typedef struct {
  uint32_t data1;
  uint16_t data2;
  uint16_t data3;
  uint8_t data4[8];
} GUID;

#define S_OK 0
#define S_FALSE 1
#define E_NOTIMPL ((HRESULT)0x80004001u)
#define E_POINTER ((HRESULT)0x80004003u)
#define REGDB_E_CLASSNOTREG ((HRESULT)0x80040154u)
#define VT_EMPTY 0
#define VT_I4 3
#define VT_BSTR 8
#define VT_BOOL 11

enum Kind { LOCATOR, SERVICES, ENUMERATOR, INSTANCE, CLASS, SIGNATURE, PARAMETERS, RESULT, KINDS };
static const char* KIND_NAMES[KINDS] = {"locator", "services", "enumerator", "instance",
                                        "class",   "signature", "parameters", "result"};

#define SLOTS 32

typedef struct Obj {
  void** vtbl;
  enum Kind kind;
  int refs;
  char text[512]; /* an enumerator's query; a parameters object's puts */
} Obj;

static void* vtables[KINDS][SLOTS];
static int initialised;
static char log_text[16384];
static int live_objects;
static int live_bstrs;
static HRESULT method_result;
static int found = 1;

static void logf_(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char* fmt, ...) {
  size_t used = strlen(log_text);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(log_text + used, sizeof log_text - used, fmt, ap);
  va_end(ap);
}

/* UTF-16 to ASCII ('?' for anything else), for the log. */
static void narrow(const WCHAR* s, char* out, size_t cap) {
  size_t i = 0;
  if (s == NULL) {
    snprintf(out, cap, "(null)");
    return;
  }
  for (; s[i] != 0 && i + 1 < cap; i++) {
    out[i] = s[i] < 128 ? (char)s[i] : '?';
  }
  out[i] = 0;
}

static void init_vtables(void);

static Obj* make(enum Kind kind) {
  init_vtables();
  Obj* o = calloc(1, sizeof(Obj));
  o->vtbl = vtables[kind];
  o->kind = kind;
  o->refs = 1;
  live_objects++;
  return o;
}

/* ---- oleaut32 ---- */

EXPORT WCHAR* SysAllocString(const WCHAR* s) {
  if (s == NULL) {
    return NULL;
  }
  size_t n = 0;
  while (s[n] != 0) {
    n++;
  }
  uint8_t* block = malloc(4 + 2 * n + 2);
  uint32_t bytes = (uint32_t)(2 * n);
  memcpy(block, &bytes, 4);
  memcpy(block + 4, s, 2 * n + 2);
  live_bstrs++;
  return (WCHAR*)(block + 4);
}

EXPORT void SysFreeString(WCHAR* b) {
  if (b != NULL) {
    free((uint8_t*)b - 4);
    live_bstrs--;
  }
}

EXPORT HRESULT VariantClear(void* v) {
  uint16_t vt;
  memcpy(&vt, v, 2);
  if (vt == VT_BSTR) {
    WCHAR* b;
    memcpy(&b, (uint8_t*)v + 8, sizeof b);
    SysFreeString(b);
  }
  memset(v, 0, 16);
  return S_OK;
}

/* ---- ole32 ---- */

EXPORT HRESULT CoInitializeEx(void* reserved, uint32_t coinit) {
  logf_("CoInitializeEx %s %u\n", reserved == NULL ? "null" : "reserved", coinit);
  return S_OK;
}

EXPORT void CoUninitialize(void) {
  logf_("CoUninitialize\n");
}

static void guid_text(const GUID* g, char* out) {
  sprintf(out, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g->data1, g->data2, g->data3, g->data4[0],
          g->data4[1], g->data4[2], g->data4[3], g->data4[4], g->data4[5], g->data4[6], g->data4[7]);
}

EXPORT HRESULT CoCreateInstance(const GUID* clsid, void* outer, uint32_t ctx, const GUID* iid, void** out) {
  char c[40], i[40];
  guid_text(clsid, c);
  guid_text(iid, i);
  logf_("CoCreateInstance %s %s ctx=%u%s\n", c, i, ctx, outer == NULL ? "" : " outer");
  if (strcmp(c, "4590f811-1d3a-11d0-891f-00aa004b2e24") != 0 ||
      strcmp(i, "dc12a687-737f-11cf-884d-00aa004b2e24") != 0) {
    return REGDB_E_CLASSNOTREG;
  }
  *out = make(LOCATOR);
  return S_OK;
}

EXPORT HRESULT CoSetProxyBlanket(Obj* proxy, uint32_t authn, uint32_t authz, void* principal, uint32_t level,
                                 uint32_t imp, void* info, uint32_t caps) {
  logf_("CoSetProxyBlanket %s %u %u %s %u %u %s %u\n", KIND_NAMES[proxy->kind], authn, authz,
        principal == NULL ? "null" : "name", level, imp, info == NULL ? "null" : "info", caps);
  return S_OK;
}

/* ---- IUnknown ---- */

static HRESULT unexpected(Obj* self) {
  logf_("unexpected call on %s\n", KIND_NAMES[self->kind]);
  return E_NOTIMPL;
}

static uint32_t add_ref(Obj* self) {
  return (uint32_t)++self->refs;
}

static uint32_t release(Obj* self) {
  int left = --self->refs;
  if (left == 0) {
    live_objects--;
    free(self);
  }
  return (uint32_t)left;
}

/* ---- IWbemLocator ---- */

static HRESULT connect_server(Obj* self, WCHAR* ns, WCHAR* user, WCHAR* password, WCHAR* locale, int32_t flags,
                              WCHAR* authority, void* ctx, Obj** out) {
  (void)self;
  char n[128];
  narrow(ns, n, sizeof n);
  logf_("ConnectServer %s user=%s password=%s locale=%s flags=%d authority=%s ctx=%s\n", n, user ? "set" : "null",
        password ? "set" : "null", locale ? "set" : "null", flags, authority ? "set" : "null", ctx ? "set" : "null");
  *out = make(SERVICES);
  return S_OK;
}

/* ---- IWbemServices ---- */

static HRESULT get_object(Obj* self, WCHAR* path, int32_t flags, void* ctx, Obj** out, void** result) {
  (void)self;
  (void)ctx;
  char p[256];
  narrow(path, p, sizeof p);
  logf_("GetObject %s flags=%d\n", p, flags);
  if (result != NULL) {
    *result = NULL;
  }
  *out = make(CLASS);
  return S_OK;
}

static HRESULT exec_query(Obj* self, WCHAR* language, WCHAR* query, int32_t flags, void* ctx, Obj** out) {
  (void)self;
  (void)ctx;
  char l[16], q[256];
  narrow(language, l, sizeof l);
  narrow(query, q, sizeof q);
  logf_("ExecQuery %s [%s] flags=0x%x\n", l, q, flags);
  Obj* e = make(ENUMERATOR);
  snprintf(e->text, sizeof e->text, "%s", q);
  *out = e;
  return S_OK;
}

static HRESULT exec_method(Obj* self, WCHAR* path, WCHAR* method, int32_t flags, void* ctx, Obj* in, Obj** out,
                           void** result) {
  (void)self;
  (void)ctx;
  (void)result;
  char p[300], m[96];
  narrow(path, p, sizeof p);
  narrow(method, m, sizeof m);
  logf_("ExecMethod [%s] %s flags=%d in=%s\n", p, m, flags,
        in == NULL ? "null" : (in->kind == PARAMETERS ? in->text : "wrong object"));
  if (method_result < 0) {
    return method_result;
  }
  if (out != NULL) {
    *out = make(RESULT);
  }
  return S_OK;
}

/* ---- IEnumWbemClassObject ---- */

static HRESULT next(Obj* self, int32_t timeout, uint32_t count, Obj** objects, uint32_t* returned) {
  logf_("Next timeout=%d count=%u\n", timeout, count);
  if (!found || count == 0) {
    *returned = 0;
    return S_FALSE;
  }
  Obj* o = make(INSTANCE);
  snprintf(o->text, sizeof o->text, "%s", self->text);
  objects[0] = o;
  *returned = 1;
  return S_OK;
}

/* ---- IWbemClassObject ---- */

static HRESULT object_get(Obj* self, const WCHAR* name, int32_t flags, void* value, int32_t* type, int32_t* flavor) {
  char n[64];
  narrow(name, n, sizeof n);
  logf_("Get %s on %s flags=%d\n", n, KIND_NAMES[self->kind], flags);
  if (self->kind != INSTANCE || strcmp(n, "__PATH") != 0 || value == NULL) {
    return E_NOTIMPL;
  }
  if (type != NULL || flavor != NULL) {
    logf_("Get with type or flavor\n");
  }
  /* The instance's path: "path of" its query, in UTF-16. */
  char text[sizeof self->text + 16];
  snprintf(text, sizeof text, "path of %s", self->text);
  WCHAR wide[sizeof text];
  size_t i = 0;
  for (; text[i] != 0; i++) {
    wide[i] = (WCHAR)(unsigned char)text[i];
  }
  wide[i] = 0;
  uint16_t vt = VT_BSTR;
  memset(value, 0, 16);
  memcpy(value, &vt, 2);
  WCHAR* b = SysAllocString(wide);
  memcpy((uint8_t*)value + 8, &b, sizeof b);
  return S_OK;
}

static HRESULT object_put(Obj* self, const WCHAR* name, int32_t flags, void* value, int32_t type) {
  char n[64];
  narrow(name, n, sizeof n);
  char v[128];
  uint16_t vt;
  memcpy(&vt, value, 2);
  if (vt == VT_BSTR) {
    WCHAR* b;
    memcpy(&b, (uint8_t*)value + 8, sizeof b);
    uint32_t bytes;
    memcpy(&bytes, (uint8_t*)b - 4, 4);
    char s[96];
    narrow(b, s, sizeof s);
    snprintf(v, sizeof v, "BSTR(%u bytes):%s", bytes, s);
  } else if (vt == VT_I4) {
    int32_t i;
    memcpy(&i, (uint8_t*)value + 8, 4);
    snprintf(v, sizeof v, "I4:%d", i);
  } else if (vt == VT_BOOL) {
    int16_t b;
    memcpy(&b, (uint8_t*)value + 8, 2);
    snprintf(v, sizeof v, "BOOL:%d", b);
  } else {
    snprintf(v, sizeof v, "VT %u", vt);
  }
  logf_("Put %s=%s on %s flags=%d type=%d\n", n, v, KIND_NAMES[self->kind], flags, type);
  if (self->kind != PARAMETERS) {
    return E_NOTIMPL;
  }
  size_t used = strlen(self->text);
  snprintf(self->text + used, sizeof self->text - used, "%s%s=%s", used ? "," : "", n, v);
  return S_OK;
}

static HRESULT spawn_instance(Obj* self, int32_t flags, Obj** out) {
  logf_("SpawnInstance on %s flags=%d\n", KIND_NAMES[self->kind], flags);
  if (self->kind != SIGNATURE) {
    return E_NOTIMPL;
  }
  *out = make(PARAMETERS);
  return S_OK;
}

static HRESULT get_method(Obj* self, const WCHAR* name, int32_t flags, Obj** in, Obj** out) {
  char n[96];
  narrow(name, n, sizeof n);
  logf_("GetMethod %s on %s flags=%d\n", n, KIND_NAMES[self->kind], flags);
  if (in == NULL || out == NULL) {
    return E_POINTER;
  }
  *in = make(SIGNATURE);
  *out = make(SIGNATURE);
  return S_OK;
}

static void init_vtables(void) {
  if (initialised) {
    return;
  }
  initialised = 1;
  for (int k = 0; k < KINDS; k++) {
    for (int s = 0; s < SLOTS; s++) {
      vtables[k][s] = (void*)unexpected;
    }
    vtables[k][1] = (void*)add_ref;
    vtables[k][2] = (void*)release;
    if (k == INSTANCE || k == CLASS || k == SIGNATURE || k == PARAMETERS || k == RESULT) {
      vtables[k][4] = (void*)object_get;
      vtables[k][5] = (void*)object_put;
      vtables[k][15] = (void*)spawn_instance;
      vtables[k][19] = (void*)get_method;
    }
  }
  vtables[LOCATOR][3] = (void*)connect_server;
  vtables[SERVICES][6] = (void*)get_object;
  vtables[SERVICES][20] = (void*)exec_query;
  vtables[SERVICES][24] = (void*)exec_method;
  vtables[ENUMERATOR][4] = (void*)next;
}

/* ---- scripting ---- */

EXPORT void wmi_double_reset(void) {
  log_text[0] = 0;
  method_result = S_OK;
  found = 1;
}

EXPORT void wmi_double_set_method_result(int32_t hr) {
  method_result = hr;
}

EXPORT void wmi_double_set_found(int32_t f) {
  found = f;
}

EXPORT const char* wmi_double_log(void) {
  return log_text;
}

/* COM objects not released plus BSTRs not freed. */
EXPORT int32_t wmi_double_live(void) {
  return live_objects + live_bstrs;
}
