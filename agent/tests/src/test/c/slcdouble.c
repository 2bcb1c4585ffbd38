/*
 * A test double of the Software Licensing Client (slc.dll / osppc.dll) for Linux.
 *
 * It exports the SL* functions the agent binds, with the prototypes of docs/kms-rules.md §8.2 and the memory behaviour of the
 * real library: every output buffer or array is allocated here and the caller frees it with LocalFree, strings are
 * UTF-16LE, GUIDs are passed by pointer, status records are 40-byte SL_LICENSING_STATUS structs (docs/kms-rules.md §8.3).
 *
 * A test scripts its state through the double_* functions: products, values, an error per function, malformed
 * answers. Allocations and frees are counted so that tests can assert nothing leaks.
 *
 * The same source is built twice, as libslc.so and libosppc.so, with DOUBLE_LIBRARY_NAME naming which it is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef DOUBLE_LIBRARY_NAME
#define DOUBLE_LIBRARY_NAME "slc"
#endif

#define EXPORT __attribute__((visibility("default")))

typedef int32_t HRESULT;
typedef uint16_t WCHAR;
typedef struct {
  uint32_t Data1;
  uint16_t Data2;
  uint16_t Data3;
  uint8_t Data4[8];
} GUID;

typedef struct {
  GUID SkuId;
  int32_t eStatus;
  uint32_t dwGraceTime;
  uint32_t dwTotalGraceDays;
  HRESULT hrReason;
  uint64_t qwValidityExpiration;
} SL_LICENSING_STATUS;

_Static_assert(sizeof(GUID) == 16, "GUID is 16 bytes");
_Static_assert(sizeof(SL_LICENSING_STATUS) == 40, "SL_LICENSING_STATUS is 40 bytes");

#define S_OK 0
#define E_INVALIDARG ((HRESULT)0x80070057)
#define E_OUTOFMEMORY ((HRESULT)0x8007000E)
#define SL_E_VALUE_NOT_FOUND ((HRESULT)0xC004F012)
#define SL_E_NOT_SUPPORTED ((HRESULT)0xC004F016)
#define SL_E_PRODUCT_SKU_NOT_INSTALLED ((HRESULT)0xC004F015)
#define SL_E_RIGHT_NOT_CONSUMED ((HRESULT)0xC004F002)

enum { SL_DATA_NONE = 0, SL_DATA_SZ = 1, SL_DATA_BINARY = 3, SL_DATA_DWORD = 4, SL_DATA_MULTI_SZ = 7 };
enum { SL_ID_APPLICATION = 0, SL_ID_PRODUCT_SKU = 1, SL_ID_PKEY = 4 };
enum { SCOPE_SKU = 0, SCOPE_PKEY = 1, SCOPE_APP = 2, SCOPE_SERVICE = 3, SCOPE_GENUINE = 4 };
enum { MALFORMED_NONE = 0, MALFORMED_NULL_POINTER = 1, MALFORMED_ZERO_COUNT = 2, MALFORMED_TRUNCATED = 3 };

#define MAX_SKUS 64
#define MAX_VALUES 512
#define MAX_NAME 64
#define MAX_LIVE 4096
#define MAX_ERRORS 32
#define HANDLE_MAGIC 0x534c4344u /* "SLCD" */

typedef struct {
  GUID app;
  GUID sku;
  int has_key;
  GUID pkey;
  int has_status;
  SL_LICENSING_STATUS status;
} Sku;

typedef struct {
  int scope;
  GUID id;
  WCHAR name[MAX_NAME];
  int type;
  uint8_t* data;
  uint32_t cb;
} Value;

typedef struct {
  char fn[48];
  HRESULT hr;
  int malformed;
} FnRule;

typedef struct {
  uint32_t magic;
} Handle;

static Sku skus[MAX_SKUS];
static int sku_count;
static Value values[MAX_VALUES];
static int value_count;
static FnRule rules[MAX_ERRORS];
static int rule_count;
static void* live[MAX_LIVE];
static int64_t outstanding;
static int64_t bad_frees;
static int64_t open_handles;

/* ---- allocation accounting: every buffer handed to the caller comes from here ---- */

static void* tracked_alloc(size_t n) {
  void* p = malloc(n == 0 ? 1 : n);
  if (p == NULL) {
    return NULL;
  }
  for (int i = 0; i < MAX_LIVE; i++) {
    if (live[i] == NULL) {
      live[i] = p;
      outstanding++;
      return p;
    }
  }
  free(p);
  return NULL;
}

/* What the caller frees buffers with; on Windows this is kernel32's LocalFree. Returns NULL on success. */
EXPORT void* LocalFree(void* p) {
  if (p == NULL) {
    return NULL;
  }
  for (int i = 0; i < MAX_LIVE; i++) {
    if (live[i] == p) {
      live[i] = NULL;
      outstanding--;
      free(p);
      return NULL;
    }
  }
  bad_frees++; /* not ours, or freed twice: counted, never passed to free() */
  return p;
}

/* ---- helpers ---- */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (braces allowed) into the Windows GUID layout. */
static int parse_guid(const char* s, GUID* g) {
  if (s == NULL) return 0;
  if (*s == '{') s++;
  uint8_t b[16];
  int n = 0;
  for (const char* p = s; *p && *p != '}' && n < 32; p++) {
    if (*p == '-') continue;
    int h = hexval(*p);
    if (h < 0) return 0;
    if (n % 2 == 0) b[n / 2] = (uint8_t)(h << 4); else b[n / 2] |= (uint8_t)h;
    n++;
  }
  if (n != 32) return 0;
  g->Data1 = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
  g->Data2 = (uint16_t)((b[4] << 8) | b[5]);
  g->Data3 = (uint16_t)((b[6] << 8) | b[7]);
  memcpy(g->Data4, b + 8, 8);
  return 1;
}

static int guid_eq(const GUID* a, const GUID* b) {
  return memcmp(a, b, sizeof(GUID)) == 0;
}

/* UTF-8 to UTF-16LE (surrogate pairs above the BMP); returns the number of units written, without the NUL. */
static size_t utf8_to_utf16(const char* s, WCHAR* out, size_t max_units) {
  size_t n = 0;
  const unsigned char* p = (const unsigned char*)s;
  while (*p && n + 2 < max_units) {
    uint32_t cp;
    if (*p < 0x80) { cp = *p++; }
    else if ((*p & 0xE0) == 0xC0) { cp = (uint32_t)(*p++ & 0x1F) << 6; cp |= (*p++ & 0x3F); }
    else if ((*p & 0xF0) == 0xE0) { cp = (uint32_t)(*p++ & 0x0F) << 12; cp |= (uint32_t)(*p++ & 0x3F) << 6; cp |= (*p++ & 0x3F); }
    else { cp = (uint32_t)(*p++ & 0x07) << 18; cp |= (uint32_t)(*p++ & 0x3F) << 12; cp |= (uint32_t)(*p++ & 0x3F) << 6; cp |= (*p++ & 0x3F); }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out[n++] = (WCHAR)(0xD800 + (cp >> 10));
      out[n++] = (WCHAR)(0xDC00 + (cp & 0x3FF));
    } else {
      out[n++] = (WCHAR)cp;
    }
  }
  out[n] = 0;
  return n;
}

static int wname_eq(const WCHAR* a, const WCHAR* b) {
  while (*a && *a == *b) { a++; b++; }
  return *a == *b;
}

static Sku* find_sku(const GUID* id) {
  for (int i = 0; i < sku_count; i++) {
    if (guid_eq(&skus[i].sku, id)) return &skus[i];
  }
  return NULL;
}

static const FnRule* rule_for(const char* fn) {
  for (int i = 0; i < rule_count; i++) {
    if (strcmp(rules[i].fn, fn) == 0) return &rules[i];
  }
  return NULL;
}

static FnRule* rule_slot(const char* fn) {
  for (int i = 0; i < rule_count; i++) {
    if (strcmp(rules[i].fn, fn) == 0) return &rules[i];
  }
  if (rule_count == MAX_ERRORS) return NULL;
  FnRule* r = &rules[rule_count++];
  memset(r, 0, sizeof(*r));
  strncpy(r->fn, fn, sizeof(r->fn) - 1);
  return r;
}

static HRESULT scripted_error(const char* fn) {
  const FnRule* r = rule_for(fn);
  return r != NULL ? r->hr : S_OK;
}

static int malformed(const char* fn) {
  const FnRule* r = rule_for(fn);
  return r != NULL ? r->malformed : MALFORMED_NONE;
}

static int valid_handle(void* h) {
  return h != NULL && ((Handle*)h)->magic == HANDLE_MAGIC;
}

/* ---- scripting interface (tests only) ---- */

EXPORT const char* double_library_name(void) { return DOUBLE_LIBRARY_NAME; }
EXPORT int64_t double_outstanding_allocations(void) { return outstanding; }
EXPORT int64_t double_bad_frees(void) { return bad_frees; }
EXPORT int64_t double_open_handles(void) { return open_handles; }

/* Forgets products, values and scripted errors; the allocation counters are kept (they are suite-wide). */
EXPORT void double_reset(void) {
  for (int i = 0; i < value_count; i++) free(values[i].data);
  memset(values, 0, sizeof(values));
  value_count = 0;
  memset(skus, 0, sizeof(skus));
  sku_count = 0;
  memset(rules, 0, sizeof(rules));
  rule_count = 0;
}

/* Makes the named SL function (or "SLOpen", "SLClose") fail with hr, leaving its outputs untouched. */
EXPORT int double_set_error(const char* fn, int32_t hr) {
  FnRule* r = rule_slot(fn);
  if (r == NULL) return 0;
  r->hr = hr;
  return 1;
}

/* Makes the named SL function answer S_OK with a malformed output (MALFORMED_* above). */
EXPORT int double_set_malformed(const char* fn, int mode) {
  FnRule* r = rule_slot(fn);
  if (r == NULL) return 0;
  r->malformed = mode;
  return 1;
}

/*
 * Stores a value. scope: 0 SKU, 1 product key, 2 application, 3 service (id ignored), 4 genuine information
 * (by SKU id). type: SL_DATA_*.
 * SZ takes text (UTF-8); MULTI_SZ takes text with '|' between the strings; DWORD takes dword; BINARY takes a GUID
 * string in text (stored as its 16 bytes).
 */
static int set_value(int scope, const char* id, const char* name, int type, const char* text, uint32_t dword) {
  GUID g;
  memset(&g, 0, sizeof(g));
  if (scope != SCOPE_SERVICE && !parse_guid(id, &g)) return 0;
  WCHAR wname[MAX_NAME];
  utf8_to_utf16(name, wname, MAX_NAME);
  Value* v = NULL;
  for (int i = 0; i < value_count; i++) {
    if (values[i].scope == scope && guid_eq(&values[i].id, &g) && wname_eq(values[i].name, wname)) v = &values[i];
  }
  if (v == NULL) {
    if (value_count == MAX_VALUES) return 0;
    v = &values[value_count++];
  }
  free(v->data);
  memset(v, 0, sizeof(*v));
  v->scope = scope;
  v->id = g;
  memcpy(v->name, wname, sizeof(wname));
  v->type = type;
  if (type == SL_DATA_DWORD) {
    v->cb = 4;
    v->data = malloc(4);
    memcpy(v->data, &dword, 4);
  } else if (type == SL_DATA_BINARY && strncmp(text, "hex:", 4) == 0) {
    /* Raw bytes as hex, e.g. an 8-byte FILETIME for TrustedTime: "hex:" then two digits per byte, in memory order. */
    size_t digits = strlen(text + 4);
    if (digits == 0 || digits % 2 != 0) return 0;
    v->cb = (uint32_t)(digits / 2);
    v->data = malloc(v->cb);
    for (size_t i = 0; i < v->cb; i++) {
      int hi = hexval(text[4 + 2 * i]), lo = hexval(text[5 + 2 * i]);
      if (hi < 0 || lo < 0) return 0;
      v->data[i] = (uint8_t)(hi << 4 | lo);
    }
  } else if (type == SL_DATA_BINARY) {
    GUID bin;
    if (!parse_guid(text, &bin)) return 0;
    v->cb = 16;
    v->data = malloc(16);
    memcpy(v->data, &bin, 16);
  } else {
    size_t len = strlen(text);
    WCHAR* buf = calloc(len + 3, sizeof(WCHAR));
    size_t units = utf8_to_utf16(text, buf, len + 3);
    if (type == SL_DATA_MULTI_SZ) {
      for (size_t i = 0; i < units; i++) if (buf[i] == '|') buf[i] = 0;
      buf[units + 1] = 0;
      units += 2; /* the last string's NUL and the list's closing NUL */
    } else {
      units += 1; /* the terminating NUL is counted in cb, as SLC does for SL_DATA_SZ */
    }
    v->cb = (uint32_t)(units * sizeof(WCHAR));
    v->data = (uint8_t*)buf;
  }
  return 1;
}

/* The exported setter. Internal callers use set_value(): libslc.so and libosppc.so export the same names, and a
 * call through an exported symbol could bind to the other library's copy (ELF interposition) and script the wrong
 * state. */
EXPORT int double_set_value(int scope, const char* id, const char* name, int type, const char* text, uint32_t dword) {
  return set_value(scope, id, name, type, text, dword);
}

/* Adds an installed SKU of an application with its Name and Description. Returns 0 on a bad GUID or a full table. */
EXPORT int double_add_sku(const char* app, const char* sku, const char* name, const char* description) {
  if (sku_count == MAX_SKUS) return 0;
  Sku s;
  memset(&s, 0, sizeof(s));
  if (!parse_guid(app, &s.app) || !parse_guid(sku, &s.sku)) return 0;
  skus[sku_count++] = s;
  return set_value(SCOPE_SKU, sku, "Name", SL_DATA_SZ, name, 0)
      && set_value(SCOPE_SKU, sku, "Description", SL_DATA_SZ, description, 0);
}

/* Installs a product key on a SKU: its id, partial key and channel become the key's values. */
EXPORT int double_set_key(const char* sku, const char* pkey, const char* partial, const char* channel) {
  GUID g;
  if (!parse_guid(sku, &g)) return 0;
  Sku* s = find_sku(&g);
  if (s == NULL || !parse_guid(pkey, &s->pkey)) return 0;
  s->has_key = 1;
  return set_value(SCOPE_PKEY, pkey, "PartialProductKey", SL_DATA_SZ, partial, 0)
      && set_value(SCOPE_PKEY, pkey, "Channel", SL_DATA_SZ, channel, 0)
      && set_value(SCOPE_PKEY, pkey, "ProductSkuId", SL_DATA_BINARY, sku, 0)
      && set_value(SCOPE_SKU, sku, "pkeyId", SL_DATA_SZ, pkey, 0);
}

/* Sets a SKU's licensing status record. */
EXPORT int double_set_status(const char* sku, int32_t status, uint32_t grace_minutes, uint32_t total_grace_days,
                             int32_t hr_reason, uint64_t validity_filetime) {
  GUID g;
  if (!parse_guid(sku, &g)) return 0;
  Sku* s = find_sku(&g);
  if (s == NULL) return 0;
  s->has_status = 1;
  s->status.SkuId = g;
  s->status.eStatus = status;
  s->status.dwGraceTime = grace_minutes;
  s->status.dwTotalGraceDays = total_grace_days;
  s->status.hrReason = hr_reason;
  s->status.qwValidityExpiration = validity_filetime;
  return 1;
}

/* ---- the SL API ---- */

EXPORT HRESULT SLOpen(void** phSLC) {
  HRESULT hr = scripted_error("SLOpen");
  if (hr != S_OK) return hr;
  if (phSLC == NULL) return E_INVALIDARG;
  if (malformed("SLOpen") == MALFORMED_NULL_POINTER) {
    *phSLC = NULL;
    return S_OK;
  }
  Handle* h = malloc(sizeof(Handle));
  if (h == NULL) return E_OUTOFMEMORY;
  h->magic = HANDLE_MAGIC;
  open_handles++;
  *phSLC = h;
  return S_OK;
}

EXPORT HRESULT SLClose(void* hSLC) {
  if (!valid_handle(hSLC)) return E_INVALIDARG;
  HRESULT hr = scripted_error("SLClose");
  ((Handle*)hSLC)->magic = 0;
  free(hSLC);
  open_handles--;
  return hr; /* a scripted failure still closes, as a handle cannot be retried */
}

/* Hands out a copy of n GUIDs, shaped by the function's malformed mode. */
static HRESULT answer_guids(const char* fn, const GUID* ids, uint32_t n, uint32_t* pn, GUID** pp) {
  switch (malformed(fn)) {
    case MALFORMED_NULL_POINTER:
      *pn = n > 0 ? n : 1;
      *pp = NULL;
      return S_OK;
    case MALFORMED_ZERO_COUNT:
      *pn = 0;
      *pp = tracked_alloc(sizeof(GUID)); /* a buffer with a zero count: the caller must still free it */
      if (*pp == NULL) return E_OUTOFMEMORY;
      memset(*pp, 0, sizeof(GUID));
      return S_OK;
    case MALFORMED_TRUNCATED:
      *pn = 0x7FFFFFFFu; /* a count no buffer of this size can hold */
      *pp = tracked_alloc(sizeof(GUID));
      if (*pp == NULL) return E_OUTOFMEMORY;
      memset(*pp, 0, sizeof(GUID));
      return S_OK;
    default:
      break;
  }
  GUID* out = NULL;
  if (n > 0) {
    out = tracked_alloc(n * sizeof(GUID));
    if (out == NULL) return E_OUTOFMEMORY;
    memcpy(out, ids, n * sizeof(GUID));
  }
  *pn = n;
  *pp = out; /* SLGetSLIDList answers *pn = 0 when nothing matches (docs/kms-rules.md §8.2) */
  return S_OK;
}

EXPORT HRESULT SLGetSLIDList(void* hSLC, int32_t eQueryIdType, const GUID* pQueryId, int32_t eReturnIdType,
                             uint32_t* pnReturnIds, GUID** ppReturnIds) {
  HRESULT hr = scripted_error("SLGetSLIDList");
  if (hr != S_OK) return hr;
  if (!valid_handle(hSLC) || pnReturnIds == NULL || ppReturnIds == NULL) return E_INVALIDARG;
  GUID ids[MAX_SKUS];
  uint32_t n = 0;
  if (eQueryIdType == SL_ID_APPLICATION && eReturnIdType == SL_ID_PRODUCT_SKU && pQueryId != NULL) {
    for (int i = 0; i < sku_count; i++) {
      if (guid_eq(&skus[i].app, pQueryId)) ids[n++] = skus[i].sku;
    }
  } else if (eQueryIdType == SL_ID_PRODUCT_SKU && eReturnIdType == SL_ID_PKEY && pQueryId != NULL) {
    Sku* s = find_sku(pQueryId);
    if (s != NULL && s->has_key) ids[n++] = s->pkey;
  } else if (eQueryIdType == SL_ID_PRODUCT_SKU && eReturnIdType == SL_ID_APPLICATION && pQueryId != NULL) {
    Sku* s = find_sku(pQueryId);
    if (s != NULL) ids[n++] = s->app;
  } else {
    return SL_E_NOT_SUPPORTED;
  }
  return answer_guids("SLGetSLIDList", ids, n, pnReturnIds, ppReturnIds);
}

EXPORT HRESULT SLGetInstalledProductKeyIds(void* hSLC, const GUID* pSkuId, uint32_t* pnProductKeyIds,
                                           GUID** ppProductKeyIds) {
  HRESULT hr = scripted_error("SLGetInstalledProductKeyIds");
  if (hr != S_OK) return hr;
  if (!valid_handle(hSLC) || pSkuId == NULL || pnProductKeyIds == NULL || ppProductKeyIds == NULL) {
    return E_INVALIDARG;
  }
  Sku* s = find_sku(pSkuId);
  if (s == NULL) return SL_E_PRODUCT_SKU_NOT_INSTALLED;
  return answer_guids("SLGetInstalledProductKeyIds", &s->pkey, s->has_key ? 1u : 0u, pnProductKeyIds,
                      ppProductKeyIds);
}

EXPORT HRESULT SLGetLicensingStatusInformation(void* hSLC, const GUID* pAppID, const GUID* pProductSkuId,
                                               const WCHAR* pwszRightName, uint32_t* pnStatusCount,
                                               SL_LICENSING_STATUS** ppLicensingStatus) {
  const char* fn = "SLGetLicensingStatusInformation";
  HRESULT hr = scripted_error(fn);
  if (hr != S_OK) return hr;
  if (!valid_handle(hSLC) || pwszRightName != NULL || pnStatusCount == NULL || ppLicensingStatus == NULL) {
    return E_INVALIDARG;
  }
  if (pAppID == NULL && pProductSkuId == NULL) return SL_E_RIGHT_NOT_CONSUMED;
  SL_LICENSING_STATUS found[MAX_SKUS];
  uint32_t n = 0;
  for (int i = 0; i < sku_count; i++) {
    Sku* s = &skus[i];
    if (!s->has_status) continue;
    if (pAppID != NULL && !guid_eq(&s->app, pAppID)) continue;
    if (pProductSkuId != NULL && !guid_eq(&s->sku, pProductSkuId)) continue;
    found[n++] = s->status;
  }
  int mode = malformed(fn);
  if (mode == MALFORMED_NULL_POINTER) {
    *pnStatusCount = 1;
    *ppLicensingStatus = NULL;
    return S_OK;
  }
  if (mode == MALFORMED_ZERO_COUNT) {
    *pnStatusCount = 0;
    *ppLicensingStatus = tracked_alloc(sizeof(SL_LICENSING_STATUS));
    if (*ppLicensingStatus == NULL) return E_OUTOFMEMORY;
    memset(*ppLicensingStatus, 0, sizeof(SL_LICENSING_STATUS));
    return S_OK;
  }
  if (mode == MALFORMED_TRUNCATED) {
    /* A record of which only the SkuId was written: the rest is left as 0xFF fill. */
    SL_LICENSING_STATUS* rec = tracked_alloc(sizeof(SL_LICENSING_STATUS));
    if (rec == NULL) return E_OUTOFMEMORY;
    memset(rec, 0xFF, sizeof(*rec));
    if (n > 0) rec->SkuId = found[0].SkuId;
    *pnStatusCount = 1;
    *ppLicensingStatus = rec;
    return S_OK;
  }
  SL_LICENSING_STATUS* out = NULL;
  if (n > 0) {
    out = tracked_alloc(n * sizeof(SL_LICENSING_STATUS));
    if (out == NULL) return E_OUTOFMEMORY;
    memcpy(out, found, n * sizeof(SL_LICENSING_STATUS));
  }
  *pnStatusCount = n;
  *ppLicensingStatus = out;
  return S_OK;
}

/* The shared body of the Get*Information calls: looks the value up and hands out a copy. */
static HRESULT answer_value(const char* fn, int scope, const GUID* id, const WCHAR* name, int32_t* peDataType,
                            uint32_t* pcbValue, uint8_t** ppbValue) {
  HRESULT hr = scripted_error(fn);
  if (hr != S_OK) return hr;
  if (name == NULL || pcbValue == NULL || ppbValue == NULL) return E_INVALIDARG;
  if (scope == SCOPE_SKU && find_sku(id) == NULL) return SL_E_PRODUCT_SKU_NOT_INSTALLED;
  GUID none;
  memset(&none, 0, sizeof(none));
  const GUID* key = scope == SCOPE_SERVICE ? &none : id;
  const Value* v = NULL;
  for (int i = 0; i < value_count; i++) {
    if (values[i].scope == scope && guid_eq(&values[i].id, key) && wname_eq(values[i].name, name)) v = &values[i];
  }
  if (v == NULL) return SL_E_VALUE_NOT_FOUND;
  int mode = malformed(fn);
  if (peDataType != NULL) *peDataType = v->type;
  if (mode == MALFORMED_NULL_POINTER) {
    *pcbValue = v->cb;
    *ppbValue = NULL;
    return S_OK;
  }
  uint32_t cb = v->cb;
  if (mode == MALFORMED_ZERO_COUNT) cb = 0;
  if (mode == MALFORMED_TRUNCATED) cb = v->cb > 1 ? (v->cb / 2) | 1u : 0; /* odd and short: cut mid-value */
  uint8_t* out = tracked_alloc(v->cb);
  if (out == NULL) return E_OUTOFMEMORY;
  memcpy(out, v->data, v->cb);
  *pcbValue = cb;
  *ppbValue = out;
  return S_OK;
}

EXPORT HRESULT SLGetProductSkuInformation(void* hSLC, const GUID* pProductSkuId, const WCHAR* pwszValueName,
                                          int32_t* peDataType, uint32_t* pcbValue, uint8_t** ppbValue) {
  if (!valid_handle(hSLC) || pProductSkuId == NULL) return E_INVALIDARG;
  return answer_value("SLGetProductSkuInformation", SCOPE_SKU, pProductSkuId, pwszValueName, peDataType, pcbValue,
                      ppbValue);
}

EXPORT HRESULT SLGetPKeyInformation(void* hSLC, const GUID* pPKeyId, const WCHAR* pwszValueName,
                                    int32_t* peDataType, uint32_t* pcbValue, uint8_t** ppbValue) {
  if (!valid_handle(hSLC) || pPKeyId == NULL) return E_INVALIDARG;
  return answer_value("SLGetPKeyInformation", SCOPE_PKEY, pPKeyId, pwszValueName, peDataType, pcbValue, ppbValue);
}

EXPORT HRESULT SLGetApplicationInformation(void* hSLC, const GUID* pApplicationId, const WCHAR* pwszValueName,
                                           int32_t* peDataType, uint32_t* pcbValue, uint8_t** ppbValue) {
  if (!valid_handle(hSLC) || pApplicationId == NULL) return E_INVALIDARG;
  return answer_value("SLGetApplicationInformation", SCOPE_APP, pApplicationId, pwszValueName, peDataType, pcbValue,
                      ppbValue);
}

/* No handle: asked with a SKU id; values are scripted with scope 4 (genuine information). */
EXPORT HRESULT SLGetGenuineInformation(const GUID* pQueryId, const WCHAR* pwszValueName, int32_t* peDataType,
                                       uint32_t* pcbValue, uint8_t** ppbValue) {
  if (pQueryId == NULL) return E_INVALIDARG;
  return answer_value("SLGetGenuineInformation", SCOPE_GENUINE, pQueryId, pwszValueName, peDataType, pcbValue,
                      ppbValue);
}

EXPORT HRESULT SLGetServiceInformation(void* hSLC, const WCHAR* pwszValueName, int32_t* peDataType,
                                       uint32_t* pcbValue, uint8_t** ppbValue) {
  if (!valid_handle(hSLC)) return E_INVALIDARG;
  return answer_value("SLGetServiceInformation", SCOPE_SERVICE, NULL, pwszValueName, peDataType, pcbValue, ppbValue);
}
