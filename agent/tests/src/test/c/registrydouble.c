/*
 * A test double of advapi32's RegGetValueW for Linux: the one registry call kms-agent makes, to read the genuine KMS
 * host's settings under HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform
 * (docs/kms-rules.md §8.1, "Registry").
 *
 * Prototype of winreg.h: LSTATUS RegGetValueW(HKEY, LPCWSTR lpSubKey, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType,
 * PVOID pvData, LPDWORD pcbData). Strings are UTF-16LE (WCHAR is 2 bytes here too); the status is returned, not put
 * in the thread's last error. Only keys of HKEY_LOCAL_MACHINE hold values: the SoftwareProtectionPlatform key, and any
 * other a test names (Office's OfficeSoftwareProtectionPlatform, whose Path value names the folder of osppc.dll);
 * anything else answers ERROR_FILE_NOT_FOUND, as a missing key does.
 *
 * A test scripts the values with double_reg_set_sz / _dword / _multi_sz (SoftwareProtectionPlatform's), or
 * double_reg_set_key_sz (another key's), a failure per value with double_reg_set_error, and clears everything with
 * double_reg_reset. Calls are counted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint16_t WCHAR;
typedef uint32_t DWORD;
typedef int32_t LSTATUS;

_Static_assert(sizeof(WCHAR) == 2, "WCHAR is 2 bytes");

#define ERROR_SUCCESS 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_INVALID_PARAMETER 87
#define ERROR_MORE_DATA 234
#define ERROR_UNSUPPORTED_TYPE 1630

#define REG_SZ 1
#define REG_DWORD 4
#define REG_MULTI_SZ 7

#define RRF_RT_REG_SZ 0x00000002
#define RRF_RT_REG_DWORD 0x00000010
#define RRF_RT_REG_MULTI_SZ 0x00000020

#define MAX_VALUES 32
#define MAX_NAME 96
#define MAX_KEY 128
#define MAX_DATA 1024

/* HKEY_LOCAL_MACHINE is (HKEY)(ULONG_PTR)((LONG)0x80000002): sign-extended on x64. */
#define HKLM ((void*)(intptr_t)(int32_t)0x80000002u)
static const char* SPP_KEY = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform";

typedef struct {
  char key[MAX_KEY];
  char name[MAX_NAME];
  DWORD type;
  uint8_t data[MAX_DATA];
  DWORD cb;
  LSTATUS error;
} Value;

static Value values[MAX_VALUES];
static int nvalues;
static int64_t calls;

/* A UTF-16 string compared with an ASCII one, case aside (registry names are case-insensitive). */
static int wide_eq_ascii(const WCHAR* w, const char* a) {
  if (w == NULL) {
    return 0;
  }
  size_t i = 0;
  for (; a[i] != 0; i++) {
    WCHAR c = w[i];
    char x = a[i];
    if (c >= 'a' && c <= 'z') c -= 32;
    if (x >= 'a' && x <= 'z') x -= 32;
    if (c != (WCHAR)(unsigned char)x) {
      return 0;
    }
  }
  return w[i] == 0;
}

static Value* key_slot(const char* key, const char* name) {
  for (int i = 0; i < nvalues; i++) {
    if (strcmp(values[i].key, key) == 0 && strcmp(values[i].name, name) == 0) {
      return &values[i];
    }
  }
  if (nvalues == MAX_VALUES || strlen(name) >= MAX_NAME || strlen(key) >= MAX_KEY) {
    return NULL;
  }
  Value* v = &values[nvalues++];
  memset(v, 0, sizeof(*v));
  strcpy(v->key, key);
  strcpy(v->name, name);
  return v;
}

static Value* slot(const char* name) { return key_slot(SPP_KEY, name); }

/* ASCII text as UTF-16LE units, '|' standing for the NUL between MULTI_SZ strings; closed by one NUL (two for multi). */
static int put_text(Value* v, const char* text, int multi) {
  size_t n = strlen(text);
  if ((n + 2) * 2 > MAX_DATA) {
    return 0;
  }
  WCHAR* out = (WCHAR*)v->data;
  for (size_t i = 0; i < n; i++) {
    out[i] = multi && text[i] == '|' ? 0 : (WCHAR)(unsigned char)text[i];
  }
  out[n] = 0;
  v->cb = (DWORD)((n + 1) * 2);
  if (multi) {
    out[n + 1] = 0;
    v->cb += 2;
  }
  return 1;
}

EXPORT void double_reg_reset(void) {
  nvalues = 0;
  calls = 0;
}

EXPORT int64_t double_reg_calls(void) { return calls; }

EXPORT int double_reg_set_sz(const char* name, const char* text) {
  Value* v = slot(name);
  if (v == NULL) return 0;
  v->type = REG_SZ;
  v->error = 0;
  return put_text(v, text, 0);
}

/* A REG_SZ value of another key of HKLM, e.g. SOFTWARE\Microsoft\OfficeSoftwareProtectionPlatform's Path. */
EXPORT int double_reg_set_key_sz(const char* key, const char* name, const char* text) {
  Value* v = key_slot(key, name);
  if (v == NULL) return 0;
  v->type = REG_SZ;
  v->error = 0;
  return put_text(v, text, 0);
}

EXPORT int double_reg_set_multi_sz(const char* name, const char* text) {
  Value* v = slot(name);
  if (v == NULL) return 0;
  v->type = REG_MULTI_SZ;
  v->error = 0;
  return put_text(v, text, 1);
}

EXPORT int double_reg_set_dword(const char* name, uint32_t value) {
  Value* v = slot(name);
  if (v == NULL) return 0;
  v->type = REG_DWORD;
  v->error = 0;
  memcpy(v->data, &value, 4);
  v->cb = 4;
  return 1;
}

/* The next reads of that value fail with the status (e.g. 5, ERROR_ACCESS_DENIED). */
EXPORT int double_reg_set_error(const char* name, int32_t status) {
  Value* v = slot(name);
  if (v == NULL) return 0;
  v->error = status;
  return 1;
}

static DWORD allowed(DWORD type) {
  switch (type) {
    case REG_SZ: return RRF_RT_REG_SZ;
    case REG_DWORD: return RRF_RT_REG_DWORD;
    case REG_MULTI_SZ: return RRF_RT_REG_MULTI_SZ;
    default: return 0;
  }
}

EXPORT LSTATUS RegGetValueW(void* hkey, const WCHAR* lpSubKey, const WCHAR* lpValue, DWORD dwFlags, DWORD* pdwType,
    void* pvData, DWORD* pcbData) {
  calls++;
  if (pvData != NULL && pcbData == NULL) {
    return ERROR_INVALID_PARAMETER;
  }
  if (hkey != HKLM) {
    return ERROR_FILE_NOT_FOUND;
  }
  Value* found = NULL;
  for (int i = 0; i < nvalues; i++) {
    if (wide_eq_ascii(lpSubKey, values[i].key) && wide_eq_ascii(lpValue, values[i].name)) {
      found = &values[i];
    }
  }
  if (found == NULL || (found->type == 0 && found->error == 0)) {
    return ERROR_FILE_NOT_FOUND;
  }
  if (found->error != 0) {
    return found->error;
  }
  if ((allowed(found->type) & dwFlags) == 0) {
    return ERROR_UNSUPPORTED_TYPE;
  }
  if (pdwType != NULL) {
    *pdwType = found->type;
  }
  if (pcbData != NULL) {
    DWORD room = *pcbData;
    *pcbData = found->cb;
    if (pvData == NULL) {
      return ERROR_SUCCESS;
    }
    if (room < found->cb) {
      return ERROR_MORE_DATA;
    }
    memcpy(pvData, found->data, found->cb);
  }
  return ERROR_SUCCESS;
}
