/*
 * kms-agent-service.exe: the program the Service Control Manager starts for the service kms-agent.
 *
 * It finds a 64-bit Java 17+ runtime, loads its jvm.dll into this process, creates the JVM with the agent's class
 * path (<install>\lib\*.jar) and JVM flags, and calls org.kmsagent.agent.windows.service.ServiceMain.main on this
 * thread. That Java code then calls StartServiceCtrlDispatcherW through JNA: the agent itself is the service, and
 * this program holds no service logic of its own.
 *
 * Where it looks for Java, first hit wins for the first three, the newest major wins among the registry's:
 *   1. <install>\runtime          (a runtime shipped inside the installation, if any)
 *   2. %KMSAGENT_JAVA_HOME%        (machine-wide environment variable, or the service's Environment value)
 *   3. %JAVA_HOME%
 *      (these two as bin\kms-agent.cmd reads JAVA_HOME: quotes around the folder dropped, a trailing \ tolerated)
 *   4. the registry keys the common JDK installers write (HKLM, 64-bit view): JavaSoft (Oracle and others),
 *      Eclipse Adoptium (Temurin), AdoptOpenJDK, Microsoft, Azul Zulu.
 * A candidate counts if it has bin\server\jvm.dll (an x64 one, when its PE header can be read) and its release file
 * says JAVA_VERSION 17 or later.
 *
 * If none is found, or the JVM cannot be started, it says so on stderr, writes event 1010 or 1011 under the event
 * source kms-agent (the message table is linked into this exe), and reports SERVICE_STOPPED to the SCM with
 * ERROR_SERVICE_SPECIFIC_ERROR and code 10 or 11, so that `sc.exe query kms-agent` and the System log show why.
 *
 * JVM flags: the agent's defaults below, the application class-data archive's (as bin\kms-agent.cmd gives `run`:
 * made at the first stop of a service that really started, <install>\lib\kms-agent-run-<runtime>.jsa, then used by
 * every start and by the short commands), then each line of <install>\conf\service-jvm.options (blank lines and
 * lines starting with # skipped), which therefore override them (the JVM takes the last of a repeated flag). That file
 * is read as UTF-8, with or without a byte-order mark, or as UTF-16 with one (what Notepad saves as "Unicode"); a line
 * that cannot be read or given to the JVM fails the start as above (event 1011, code 11), naming the line.
 *
 * Output: started by the SCM, a process has no standard handles, so stdout and stderr (this program's and the JVM's,
 * System.out/System.err and the agent's SLF4J lines) are appended to <install>\logs\kms-agent-service.log.
 *
 * `kms-agent-service.exe --which-java` prints the runtime it would use (or where it looked) and exits.
 */
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _UNICODE
#define _UNICODE
#endif
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <jni.h>

#include "kms-agent-messages.h"

#define EVENT_SOURCE L"kms-agent"
#define MAIN_CLASS "org/kmsagent/agent/windows/service/ServiceMain"
#define MIN_JAVA_MAJOR 17
#define EXIT_JAVA_NOT_FOUND 10
#define EXIT_JVM_START_FAILED 11
#define MAX_OPTIONS 128
/* Lines of conf\service-jvm.options taken as options; with the host's own (fewer than 32) within MAX_OPTIONS. */
#define MAX_FILE_OPTIONS (MAX_OPTIONS - 32)
#define MAX_OPTIONS_FILE_BYTES (1024 * 1024)
/* HotSpot's CDS_DYNAMIC_ARCHIVE_MAGIC (cds/filemap.hpp): the first four bytes of a dynamic class-data archive. */
#define CDS_DYNAMIC_ARCHIVE_MAGIC 0xf00baba8UL
#define PATH_CHARS 1024
#define TEXT_CHARS 8192

typedef jint(JNICALL* CreateJavaVM_fn)(JavaVM**, void**, void*);

/* The agent's JVM flags for a small, long-running agent: those bin\kms-agent.cmd gives `run` (docs/performance.md;
   LauncherWineIT compares the two). C1 compiles only what runs ten times the JVM's default counts. */
static const char* const DEFAULT_FLAGS[] = {
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:Tier3InvocationThreshold=2000",
    "-XX:Tier3MinInvocationThreshold=1000",
    "-XX:Tier3CompileThreshold=20000",
    "-XX:Tier3BackEdgeThreshold=600000",
    "-Xms8m",
    "-Xmx64m",
    "-Xss512k",
    "-XX:ReservedCodeCacheSize=16m",
    /* Out of heap, the process ends (the service's recovery restarts it) rather than lives on with a dead agent. */
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-UsePerfData",
    "--enable-native-access=ALL-UNNAMED",
    "-Dfile.encoding=UTF-8",
};

static wchar_t g_home[PATH_CHARS];
static wchar_t g_looked[TEXT_CHARS];

/* ---- small helpers ---- */

static void append(wchar_t* dst, size_t cap, const wchar_t* s) {
  size_t n = wcslen(dst);
  if (n + 1 >= cap) return;
  wcsncpy(dst + n, s, cap - n - 1);
  dst[cap - 1] = 0;
}

static void looked_at(const wchar_t* where) {
  if (g_looked[0] != 0) append(g_looked, TEXT_CHARS, L"; ");
  append(g_looked, TEXT_CHARS, where);
}

static int file_exists(const wchar_t* path) {
  DWORD a = GetFileAttributesW(path);
  return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

static void strip_trailing_slash(wchar_t* p) {
  size_t n = wcslen(p);
  while (n > 3 && (p[n - 1] == L'\\' || p[n - 1] == L'/')) p[--n] = 0;
}

/* The value of KEY="value" in <java>\release, without its quotes, into out; 0 when the file or the key is missing. */
static int release_value(const wchar_t* java, const char* key, char* out, size_t cap) {
  wchar_t path[PATH_CHARS];
  swprintf(path, PATH_CHARS, L"%ls\\release", java);
  FILE* f = _wfopen(path, L"r");
  if (f == NULL) return 0;
  char line[512];
  size_t key_len = strlen(key), n = 0;
  int found = 0;
  while (!found && fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, key, key_len) != 0 || line[key_len] != '=') continue;
    const char* p = line + key_len + 1;
    if (*p == '"') p++;
    while (*p != 0 && *p != '"' && *p != '\r' && *p != '\n' && n + 1 < cap) out[n++] = *p++;
    found = 1;
  }
  fclose(f);
  out[n] = 0;
  return found && n > 0;
}

/* The major version in <java>\release (JAVA_VERSION="17.0.9" -> 17, "1.8.0_392" -> 8), 0 if unknown. */
static int java_major(const wchar_t* java) {
  char version[128];
  if (!release_value(java, "JAVA_VERSION", version, sizeof version)) return 0;
  int major = atoi(version);
  if (major == 1) {
    const char* dot = strchr(version, '.');
    major = dot != NULL ? atoi(dot + 1) : 0;
  }
  return major;
}

/*
 * The runtime's full version from <java>\release (JAVA_RUNTIME_VERSION="17.0.9+9"), which names the class-data
 * archive: an archive is valid only for the JVM build that wrote it. Characters other than letters, digits, dots,
 * plus and minus signs become '_' (as bin/kms-agent does). Returns 0 when the file or the line is missing.
 */
static int java_runtime_version(const wchar_t* java, wchar_t* out, size_t cap) {
  char version[128];
  if (cap == 0 || !release_value(java, "JAVA_RUNTIME_VERSION", version, sizeof version)) return 0;
  size_t n = 0;
  for (const char* p = version; *p != 0 && n + 1 < cap; p++) {
    char c = *p;
    int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '+'
        || c == '-';
    out[n++] = plain ? (wchar_t)c : L'_';
  }
  out[n] = 0;
  return n > 0;
}

/*
 * The machine a DLL is built for, from its PE header (IMAGE_FILE_MACHINE_AMD64 0x8664, I386 0x014C, ARM64 0xAA64),
 * or 0 when the file cannot be read as one: this 64-bit process cannot load a 32-bit jvm.dll (Win32 error 193).
 */
static unsigned pe_machine(const wchar_t* dll) {
  FILE* f = _wfopen(dll, L"rb");
  if (f == NULL) return 0;
  unsigned char dos[64], pe[6];
  unsigned machine = 0;
  if (fread(dos, 1, sizeof dos, f) == sizeof dos && dos[0] == 'M' && dos[1] == 'Z') {
    long at = (long)(dos[60] | dos[61] << 8 | dos[62] << 16 | (unsigned long)dos[63] << 24);
    if (fseek(f, at, SEEK_SET) == 0 && fread(pe, 1, sizeof pe, f) == sizeof pe && memcmp(pe, "PE\0\0", 4) == 0) {
      machine = pe[4] | pe[5] << 8;
    }
  }
  fclose(f);
  return machine;
}

/*
 * Whether java (a Java home) is usable: has bin\server\jvm.dll, not one built for another machine than x64, and is
 * 17 or later. Returns its major, or 0 with the reason in why (for --which-java and event 1010).
 */
static int usable(const wchar_t* java, wchar_t* why, size_t why_chars) {
  wchar_t dll[PATH_CHARS];
  swprintf(dll, PATH_CHARS, L"%ls\\bin\\server\\jvm.dll", java);
  if (!file_exists(dll)) {
    swprintf(why, why_chars, L"no bin\\server\\jvm.dll");
    return 0;
  }
  unsigned machine = pe_machine(dll);
  if (machine != 0 && machine != 0x8664) {
    swprintf(why, why_chars, L"%ls Java, not 64-bit x64", machine == 0x014C ? L"a 32-bit" : L"another machine's");
    return 0;
  }
  int major = java_major(java);
  if (major == 0) {
    swprintf(why, why_chars, L"no JAVA_VERSION in its release file");
  } else if (major < MIN_JAVA_MAJOR) {
    swprintf(why, why_chars, L"Java %d", major);
  }
  return major >= MIN_JAVA_MAJOR ? major : 0;
}

/* Removes every double quote, as bin\kms-agent.cmd does (set "JAVA_HOME=%JAVA_HOME:"=%"): admins write
   set JAVA_HOME="C:\Program Files\...", and the MSI copies that value, quotes included. No path holds a quote. */
static void strip_quotes(wchar_t* p) {
  wchar_t* to = p;
  for (const wchar_t* from = p; *from != 0; from++) {
    if (*from != L'"') *to++ = *from;
  }
  *to = 0;
}

/* Tries one explicit Java home (quotes dropped, trailing backslashes too); copies it to out and returns 1 if usable. */
static int try_home(const wchar_t* label, const wchar_t* java, wchar_t* out) {
  if (java == NULL || java[0] == 0) return 0;
  wchar_t h[PATH_CHARS];
  wcsncpy(h, java, PATH_CHARS - 1);
  h[PATH_CHARS - 1] = 0;
  strip_quotes(h);
  strip_trailing_slash(h);
  if (h[0] == 0) return 0;
  wchar_t why[128] = L"";
  int ok = usable(h, why, 128);
  wchar_t note[PATH_CHARS + 192];
  swprintf(note, PATH_CHARS + 192, ok ? L"%ls=%ls" : L"%ls=%ls (%ls)", label, h, why);
  looked_at(note);
  if (!ok) return 0;
  wcscpy(out, h);
  return 1;
}

/* ---- the registry keys of JDK installers ---- */

typedef struct {
  const wchar_t* root;  /* under HKLM; one subkey per installed version */
  const wchar_t* below; /* path below the version's subkey, or NULL */
  const wchar_t* value; /* REG_SZ naming the Java home */
} JavaKey;

static const JavaKey JAVA_KEYS[] = {
    {L"SOFTWARE\\JavaSoft\\JDK", NULL, L"JavaHome"},
    {L"SOFTWARE\\JavaSoft\\JRE", NULL, L"JavaHome"},
    {L"SOFTWARE\\Eclipse Adoptium\\JDK", L"hotspot\\MSI", L"Path"},
    {L"SOFTWARE\\Eclipse Adoptium\\JRE", L"hotspot\\MSI", L"Path"},
    {L"SOFTWARE\\AdoptOpenJDK\\JDK", L"hotspot\\MSI", L"Path"},
    {L"SOFTWARE\\AdoptOpenJDK\\JRE", L"hotspot\\MSI", L"Path"},
    {L"SOFTWARE\\Microsoft\\JDK", L"hotspot\\MSI", L"Path"},
    {L"SOFTWARE\\Azul Systems\\Zulu", NULL, L"InstallationPath"},
};

/* The newest usable Java among the registry's; 1 and its home in out if one was found. */
static int from_registry(wchar_t* out) {
  int best = 0;
  for (size_t k = 0; k < sizeof JAVA_KEYS / sizeof JAVA_KEYS[0]; k++) {
    const JavaKey* jk = &JAVA_KEYS[k];
    wchar_t note[PATH_CHARS];
    swprintf(note, PATH_CHARS, L"HKLM\\%ls\\*%ls%ls (%ls)", jk->root, jk->below ? L"\\" : L"",
        jk->below ? jk->below : L"", jk->value);
    looked_at(note);
    HKEY root;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, jk->root, 0, KEY_READ | KEY_WOW64_64KEY, &root) != ERROR_SUCCESS) {
      continue;
    }
    for (DWORD i = 0;; i++) {
      wchar_t version[256];
      DWORD vlen = 256;
      if (RegEnumKeyExW(root, i, version, &vlen, NULL, NULL, NULL, NULL) != ERROR_SUCCESS) break;
      wchar_t sub[512];
      if (jk->below != NULL) {
        swprintf(sub, 512, L"%ls\\%ls", version, jk->below);
      } else {
        swprintf(sub, 512, L"%ls", version);
      }
      wchar_t java[PATH_CHARS];
      DWORD size = sizeof java;
      /* RRF_RT_REG_SZ alone: it also takes a REG_EXPAND_SZ value, returned expanded. Adding RRF_RT_REG_EXPAND_SZ
         without RRF_NOEXPAND makes Windows (and Wine) refuse every call with ERROR_INVALID_PARAMETER. */
      if (RegGetValueW(root, sub, jk->value, RRF_RT_REG_SZ, NULL, java, &size) != ERROR_SUCCESS) {
        continue;
      }
      java[PATH_CHARS - 1] = 0;
      strip_trailing_slash(java);
      wchar_t why[128];
      int major = usable(java, why, 128);
      if (major > best) {
        best = major;
        wcscpy(out, java);
      }
    }
    RegCloseKey(root);
  }
  return best > 0;
}

static int find_java(wchar_t* out) {
  wchar_t bundled[PATH_CHARS];
  swprintf(bundled, PATH_CHARS, L"%ls\\runtime", g_home);
  if (try_home(L"bundled", bundled, out)) return 1;
  if (try_home(L"KMSAGENT_JAVA_HOME", _wgetenv(L"KMSAGENT_JAVA_HOME"), out)) return 1;
  if (try_home(L"JAVA_HOME", _wgetenv(L"JAVA_HOME"), out)) return 1;
  return from_registry(out);
}

/* ---- failures: stderr, Event Log, SCM ---- */

static DWORD g_failure_code;

static DWORD WINAPI failure_handler(DWORD control, DWORD type, LPVOID data, LPVOID context) {
  (void)type;
  (void)data;
  (void)context;
  return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

/* A ServiceMain that only tells the SCM why the service cannot run. */
static void WINAPI failure_main(DWORD argc, LPWSTR* argv) {
  (void)argc;
  (void)argv;
  /* For SERVICE_WIN32_OWN_PROCESS the name is not checked: there is one service in the process. */
  SERVICE_STATUS_HANDLE h = RegisterServiceCtrlHandlerExW(EVENT_SOURCE, failure_handler, NULL);
  if (h == NULL) return;
  SERVICE_STATUS s;
  memset(&s, 0, sizeof s);
  s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.dwCurrentState = SERVICE_STOPPED;
  s.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
  s.dwServiceSpecificExitCode = g_failure_code;
  SetServiceStatus(h, &s);
}

static void fail(DWORD event_id, DWORD exit_code, const wchar_t* s1, const wchar_t* s2) {
  if (event_id == KMSAGENT_JAVA_NOT_FOUND) {
    fwprintf(stderr,
        L"kms-agent-service: no 64-bit Java %d or later runtime found. Looked in: %ls\n"
        L"Install one (for example Eclipse Temurin %d x64 with its MSI), then start the service again. A machine-wide"
        L" environment variable KMSAGENT_JAVA_HOME or JAVA_HOME set now reaches the service only after Windows"
        L" restarts.\n",
        MIN_JAVA_MAJOR, s1, MIN_JAVA_MAJOR);
  } else {
    fwprintf(stderr, L"kms-agent-service: could not start the Java runtime at %ls: %ls\n", s1, s2 ? s2 : L"");
  }
  fflush(stderr);

  HANDLE log = RegisterEventSourceW(NULL, EVENT_SOURCE);
  if (log != NULL) {
    LPCWSTR strings[2] = {s1, s2 != NULL ? s2 : L""};
    ReportEventW(log, EVENTLOG_ERROR_TYPE, 0, event_id, NULL, event_id == KMSAGENT_JAVA_NOT_FOUND ? 1 : 2, 0,
        strings, NULL);
    DeregisterEventSource(log);
  }

  g_failure_code = exit_code;
  SERVICE_TABLE_ENTRYW table[2];
  memset(table, 0, sizeof table);
  table[0].lpServiceName = (LPWSTR)EVENT_SOURCE;
  table[0].lpServiceProc = failure_main;
  /* From a console this fails at once with ERROR_FAILED_SERVICE_CONTROLLER_CONNECT: stderr said it all. */
  StartServiceCtrlDispatcherW(table);
}

static void fail_win32(const wchar_t* java, const wchar_t* what, DWORD err) {
  wchar_t text[PATH_CHARS];
  wchar_t sys[512] = L"";
  FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0, sys, 512, NULL);
  swprintf(text, PATH_CHARS, L"%ls failed with Win32 error %lu: %ls", what, (unsigned long)err, sys);
  fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, java, text);
}

/* ---- the JVM ---- */

/* The Java home being started, for the hooks; set once ServiceMain.main runs, after which the agent reports itself. */
static const wchar_t* g_starting_java;
static volatile LONG g_main_running;

/* The JVM's exit hook: during its start, an exit is a start that failed; later, the agent's own System.exit. */
static void JNICALL jvm_exit_hook(jint code) {
  if (g_main_running) return;
  wchar_t text[256];
  swprintf(text, 256, L"the JVM ended during its start with exit code %ld (check the flags in"
      L" conf\\service-jvm.options)", (long)code);
  fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, g_starting_java, text);
  ExitProcess(EXIT_JVM_START_FAILED);
}

static void JNICALL jvm_abort_hook(void) {
  if (g_main_running) return;
  fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, g_starting_java, L"the JVM aborted during its start");
  ExitProcess(EXIT_JVM_START_FAILED);
}

/* A JVM option in the ANSI code page the JVM reads options in; NULL if the text does not fit it. */
static char* ansi(const wchar_t* w) {
  BOOL lossy = FALSE;
  int n = WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, w, -1, NULL, 0, NULL, &lossy);
  if (n <= 0 || lossy) return NULL;
  char* s = malloc((size_t)n);
  if (s == NULL) return NULL;
  WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, w, -1, s, n, NULL, &lossy);
  return lossy ? NULL : s;
}

/* -Djava.class.path= every <install>\lib\*.jar (the JVM does not expand wildcards for JNI_CreateJavaVM). */
static wchar_t* class_path(void) {
  size_t cap = 4096;
  wchar_t* cp = malloc(cap * sizeof(wchar_t));
  if (cp == NULL) return NULL;
  wcscpy(cp, L"-Djava.class.path=");
  wchar_t pattern[PATH_CHARS];
  swprintf(pattern, PATH_CHARS, L"%ls\\lib\\*.jar", g_home);
  WIN32_FIND_DATAW fd;
  HANDLE find = FindFirstFileW(pattern, &fd);
  int first = 1;
  if (find != INVALID_HANDLE_VALUE) {
    do {
      size_t need = wcslen(cp) + wcslen(g_home) + wcslen(fd.cFileName) + 8;
      if (need > cap) {
        cap = need * 2;
        wchar_t* bigger = realloc(cp, cap * sizeof(wchar_t));
        if (bigger == NULL) {
          free(cp);
          FindClose(find);
          return NULL;
        }
        cp = bigger;
      }
      if (!first) wcscat(cp, L";");
      wcscat(cp, g_home);
      wcscat(cp, L"\\lib\\");
      wcscat(cp, fd.cFileName);
      first = 0;
    } while (FindNextFileW(find, &fd));
    FindClose(find);
  }
  return cp;
}

static int add_option(JavaVMOption* options, int* n, char* text) {
  if (text == NULL || *n >= MAX_OPTIONS) return 0;
  options[*n].optionString = text;
  options[*n].extraInfo = NULL;
  (*n)++;
  return 1;
}

/*
 * One line of the options file, already decoded, into options: trimmed (spaces and tabs before, spaces, tabs and the
 * CR of a CRLF after: the .zip and the MSI ship the file with CRLF, and an editor may leave a tab before it); blank
 * lines and lines starting with # skipped. Returns 0, with the reason in problem, for a line the
 * JVM cannot be given as it is written.
 */
static int file_option(wchar_t* w, size_t len, int line, const wchar_t* path, JavaVMOption* options, int* n,
    wchar_t* problem, size_t cap) {
  if (wmemchr(w, 0, len) != NULL) {
    swprintf(problem, cap, L"line %d of %ls holds a NUL character (a UTF-16 file without its byte-order mark?):"
        L" save it as UTF-8 or as Unicode", line, path);
    return 0;
  }
  w[len] = 0;
  while (len > 0 && (w[len - 1] == L'\r' || w[len - 1] == L' ' || w[len - 1] == L'\t')) w[--len] = 0;
  wchar_t* p = w;
  while (*p == L' ' || *p == L'\t') p++;
  if (*p == 0 || *p == L'#') return 1;
  if (*n >= MAX_FILE_OPTIONS) {
    swprintf(problem, cap, L"line %d of %ls is one option too many: the file may hold at most %d", line, path,
        MAX_FILE_OPTIONS);
    return 0;
  }
  char* option = ansi(p);
  if (option == NULL) {
    swprintf(problem, cap, L"line %d of %ls has a character that the system code page, in which the JVM reads its"
        L" options, does not have", line, path);
    return 0;
  }
  return add_option(options, n, option);
}

/* Whether s[0..len) is well-formed UTF-16: every high surrogate followed by a low one, and no low one alone. */
static int utf16_well_formed(const wchar_t* s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (s[i] >= 0xD800 && s[i] <= 0xDBFF) {
      if (i + 1 >= len || s[i + 1] < 0xDC00 || s[i + 1] > 0xDFFF) return 0;
      i++;
    } else if (s[i] >= 0xDC00 && s[i] <= 0xDFFF) {
      return 0;
    }
  }
  return 1;
}

/*
 * The lines of <install>\conf\service-jvm.options into options. The file may be UTF-8 (or ASCII), with or without the
 * byte-order mark Notepad writes, UTF-16 with its byte-order mark (Notepad's "Unicode", little-endian, and "Unicode
 * big endian"), or, when it is not valid UTF-8, in the system code page (Notepad's "ANSI"). A line that the JVM cannot
 * be given (a character outside the system code page, a NUL) fails the start naming the file and the line, rather
 * than being left out: a flag silently missing (a heap size, a service name) would be found
 * much later than a service that says why it did not start. Returns 0 then, with the reason in problem; 1 otherwise,
 * also when there is no file.
 */
static int file_options(JavaVMOption* options, int* n, wchar_t* problem, size_t cap) {
  wchar_t path[PATH_CHARS];
  swprintf(path, PATH_CHARS, L"%ls\\conf\\service-jvm.options", g_home);
  if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES) return 1;
  FILE* f = _wfopen(path, L"rb");
  if (f == NULL) {
    swprintf(problem, cap, L"%ls cannot be read: %ls", path, _wcserror(errno));
    return 0;
  }
  unsigned char* bytes = malloc(MAX_OPTIONS_FILE_BYTES + 1);
  if (bytes == NULL) {
    fclose(f);
    swprintf(problem, cap, L"out of memory reading %ls", path);
    return 0;
  }
  size_t size = fread(bytes, 1, MAX_OPTIONS_FILE_BYTES + 1, f);
  int failed = ferror(f);
  fclose(f);
  if (failed || size > MAX_OPTIONS_FILE_BYTES) {
    free(bytes);
    swprintf(problem, cap, failed ? L"%ls cannot be read" : L"%ls is larger than %d bytes", path,
        MAX_OPTIONS_FILE_BYTES);
    return 0;
  }
  /* Room for the whole file decoded: a byte gives at most one UTF-16 unit, and file_option ends a line in place. */
  wchar_t* w = malloc((size + 1) * sizeof(wchar_t));
  if (w == NULL) {
    free(bytes);
    swprintf(problem, cap, L"out of memory reading %ls", path);
    return 0;
  }
  /* Decoded whole, then taken a line at a time; units: how many UTF-16 units the file holds. */
  size_t units = 0;
  int odd = 0; /* UTF-16 with an odd number of bytes: its last character is cut short */
  if (size >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))) {
    int big_endian = bytes[0] == 0xFE;
    units = (size - 2) / 2;
    odd = size % 2 != 0;
    for (size_t i = 0; i < units; i++) {
      unsigned char lo = bytes[2 + 2 * i + (big_endian ? 1 : 0)], hi = bytes[2 + 2 * i + (big_endian ? 0 : 1)];
      w[i] = (wchar_t)(lo | (hi << 8));
    }
  } else {
    size_t skip = size >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
    int len = (int)(size - skip);
    if (len > 0) {
      int got = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, (const char*)bytes + skip, len, w, (int)size);
      /* Not UTF-8: Notepad's "ANSI", the system code page, which it writes by default before Windows 10 1903
         (Windows Server 2019 and earlier included); a comment with an accent must not stop the service. */
      if (got <= 0) got = MultiByteToWideChar(CP_ACP, 0, (const char*)bytes + skip, len, w, (int)size);
      units = got > 0 ? (size_t)got : 0;
    }
  }
  int ok = 1;
  int line = 0;
  size_t start = 0;
  while (ok && start <= units) {
    size_t end = start;
    while (end < units && w[end] != L'\n') end++;
    line++;
    if (end == units && odd) {
      swprintf(problem, cap, L"line %d of %ls ends in half a UTF-16 character: the file is cut short", line, path);
      ok = 0;
    } else if (!utf16_well_formed(w + start, end - start)) {
      swprintf(problem, cap, L"line %d of %ls is not valid UTF-16", line, path);
      ok = 0;
    } else {
      ok = file_option(w + start, end - start, line, path, options, n, problem, cap);
    }
    start = end + 1;
  }
  free(w);
  free(bytes);
  return ok;
}

/*
 * Deletes a file, read-only or not: HotSpot 17 and 21 create a class-data archive with mode 0444, which on Windows is
 * the read-only attribute, and DeleteFileW refuses such a file (the JVM itself clears it before it writes one again).
 */
static void delete_file(const wchar_t* path) {
  SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL);
  DeleteFileW(path);
}

/*
 * Whether path is a complete dynamic class-data archive, as far as can be told without a JVM: it starts with HotSpot's
 * CDS_DYNAMIC_ARCHIVE_MAGIC, little-endian. HotSpot writes that header last: FileMapInfo::open_for_write truncates the
 * file and seeks past the header, the regions follow, and ArchiveBuilder::write_archive calls write_header (at offset
 * 0) only after them. So a JVM ended while it dumped (a service killed as it stopped) leaves an empty file, or one
 * that starts with zeros, which the JVM would silently not use under -Xshare:auto: kept, every start would go
 * without an archive for good.
 */
static int complete_dynamic_archive(const wchar_t* path) {
  HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE) return 0;
  unsigned char b[4];
  DWORD got = 0;
  BOOL ok = ReadFile(h, b, sizeof b, &got, NULL);
  CloseHandle(h);
  if (!ok || got != sizeof b) return 0;
  unsigned long magic = (unsigned long)b[0] | ((unsigned long)b[1] << 8) | ((unsigned long)b[2] << 16)
      | ((unsigned long)b[3] << 24);
  return magic == CDS_DYNAMIC_ARCHIVE_MAGIC;
}

/* Deletes <install>\lib\kms-agent-run*.jsa: the archives of runtimes used before are of no use to this one. */
static void delete_archives(void) {
  wchar_t pattern[PATH_CHARS], path[PATH_CHARS];
  swprintf(pattern, PATH_CHARS, L"%ls\\lib\\kms-agent-run*.jsa", g_home);
  WIN32_FIND_DATAW fd;
  HANDLE find = FindFirstFileW(pattern, &fd);
  if (find == INVALID_HANDLE_VALUE) return;
  do {
    size_t len = wcslen(fd.cFileName);
    /* FindFirstFile also matches short 8.3 names: only long names that end in .jsa. */
    if (len > 4 && _wcsicmp(fd.cFileName + len - 4, L".jsa") == 0) {
      swprintf(path, PATH_CHARS, L"%ls\\lib\\%ls", g_home, fd.cFileName);
      delete_file(path);
    }
  } while (FindNextFileW(find, &fd));
  FindClose(find);
}

/*
 * The application class-data archive's flags, as bin\kms-agent.cmd gives `run` (docs/performance.md): the archive
 * when it exists; else, where the service may write beside its jars, one made at this JVM's exit as a pending file
 * that the next start keeps only if the agent marked it as a real run's (<pending>.real, written once the service
 * started) and the JVM finished writing it (complete_dynamic_archive). None when the runtime has no release file to
 * name it by.
 */
static void archive_options(const wchar_t* java, JavaVMOption* options, int* n, int sharing_off) {
  wchar_t runtime[128], archive[PATH_CHARS], pending[PATH_CHARS], real[PATH_CHARS], flag[PATH_CHARS + 64];
  wchar_t base[PATH_CHARS];
  if (!java_runtime_version(java, runtime, 128)) return;
  swprintf(archive, PATH_CHARS, L"%ls\\lib\\kms-agent-run-%ls.jsa", g_home, runtime);
  swprintf(pending, PATH_CHARS, L"%ls.pending", archive);
  swprintf(real, PATH_CHARS, L"%ls.pending.real", archive);
  if (!file_exists(archive) && file_exists(pending)) {
    if (file_exists(real) && complete_dynamic_archive(pending)) {
      delete_archives();
      MoveFileExW(pending, archive, MOVEFILE_REPLACE_EXISTING);
    } else {
      delete_file(pending);
    }
    delete_file(real);
  }
  if (file_exists(archive)) {
    swprintf(flag, PATH_CHARS + 64, L"-XX:SharedArchiveFile=%ls", archive);
    add_option(options, n, ansi(flag));
  } else {
    delete_file(real);
    /* Java 17 refuses to start with ArchiveClassesAtExit when it cannot load the runtime's own base archive (under
       -Xshare:off, or a runtime built without bin\server\classes.jsa): such a start makes no archive. */
    swprintf(base, PATH_CHARS, L"%ls\\bin\\server\\classes.jsa", java);
    if (sharing_off || !file_exists(base)) return;
    HANDLE probe = CreateFileW(pending, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (probe == INVALID_HANDLE_VALUE) return; /* lib\ is not writable here: no archive */
    CloseHandle(probe);
    delete_file(pending);
    swprintf(flag, PATH_CHARS + 64, L"-XX:ArchiveClassesAtExit=%ls", pending);
    add_option(options, n, ansi(flag));
    swprintf(flag, PATH_CHARS + 64, L"-Dkmsagent.cds.pending=%ls", pending);
    add_option(options, n, ansi(flag));
  }
  add_option(options, n, _strdup("-Xlog:cds=off"));
  add_option(options, n, _strdup("-Xlog:cds+dynamic=off"));
}

static int run_java(const wchar_t* java, int argc, wchar_t** argv) {
  wchar_t bin[PATH_CHARS], dll[PATH_CHARS];
  swprintf(bin, PATH_CHARS, L"%ls\\bin", java);
  swprintf(dll, PATH_CHARS, L"%ls\\bin\\server\\jvm.dll", java);
  SetDllDirectoryW(bin); /* jvm.dll's own dependencies (the C runtime) sit in <java>\bin */
  HMODULE jvm = LoadLibraryW(dll);
  if (jvm == NULL) {
    fail_win32(java, L"LoadLibrary(bin\\server\\jvm.dll)", GetLastError());
    return EXIT_JVM_START_FAILED;
  }
  CreateJavaVM_fn create = (CreateJavaVM_fn)(void (*)(void))GetProcAddress(jvm, "JNI_CreateJavaVM");
  if (create == NULL) {
    fail_win32(java, L"GetProcAddress(JNI_CreateJavaVM)", GetLastError());
    return EXIT_JVM_START_FAILED;
  }

  JavaVMOption options[MAX_OPTIONS];
  int n = 0;
  wchar_t* cp = class_path();
  if (!add_option(options, &n, cp != NULL ? ansi(cp) : NULL)) {
    fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, java,
        L"the class path (the jars of <install>\\lib) is not representable in the system code page: install"
        L" kms-agent in a folder whose name uses only characters of that code page");
    return EXIT_JVM_START_FAILED;
  }
  free(cp);
  wchar_t prop[PATH_CHARS + 32];
  swprintf(prop, PATH_CHARS + 32, L"-Dkmsagent.home=%ls", g_home);
  add_option(options, &n, ansi(prop));
  for (size_t i = 0; i < sizeof DEFAULT_FLAGS / sizeof DEFAULT_FLAGS[0]; i++) {
    add_option(options, &n, _strdup(DEFAULT_FLAGS[i]));
  }
  /* As bin\kms-agent.cmd does from Java 23 (Java 17 refuses the flag): without it, Java 24 and later write four
     WARNING lines about sun.misc.Unsafe (Guava, through Guice) into kms-agent-service.log at every start. */
  if (java_major(java) >= 23) {
    add_option(options, &n, _strdup("--sun-misc-unsafe-memory-access=allow"));
  }
  /* A JVM that gives up during its start (a flag it refuses, a heap it cannot reserve) exits the process from inside
     JNI_CreateJavaVM, without returning an error code: these hooks let the host report it as a start failure
     (event 1011, exit 11) rather than vanish. */
  add_option(options, &n, _strdup("exit"));
  options[n - 1].extraInfo = (void*)jvm_exit_hook;
  add_option(options, &n, _strdup("abort"));
  options[n - 1].extraInfo = (void*)jvm_abort_hook;

  /* The options file's lines come last, so that they override; read first, for archive_options to know of an
     -Xshare:off among them. */
  JavaVMOption from_file[MAX_FILE_OPTIONS];
  int n_file = 0;
  wchar_t problem[PATH_CHARS + 256];
  if (!file_options(from_file, &n_file, problem, PATH_CHARS + 256)) {
    fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, java, problem);
    return EXIT_JVM_START_FAILED;
  }
  int sharing_off = 0;
  for (int i = 0; i < n_file; i++) {
    if (from_file[i].optionString != NULL && strcmp(from_file[i].optionString, "-Xshare:off") == 0) sharing_off = 1;
  }
  archive_options(java, options, &n, sharing_off);
  for (int i = 0; i < n_file; i++) add_option(options, &n, from_file[i].optionString);

  JavaVMInitArgs init;
  memset(&init, 0, sizeof init);
  init.version = JNI_VERSION_1_8;
  init.nOptions = n;
  init.options = options;
  init.ignoreUnrecognized = JNI_FALSE;

  JavaVM* vm = NULL;
  JNIEnv* env = NULL;
  g_starting_java = java;
  jint rc = create(&vm, (void**)&env, &init);
  if (rc != JNI_OK) {
    wchar_t text[256];
    swprintf(text, 256, L"JNI_CreateJavaVM returned %ld (check the flags in conf\\service-jvm.options)", (long)rc);
    fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, java, text);
    return EXIT_JVM_START_FAILED;
  }

  jclass main_class = (*env)->FindClass(env, MAIN_CLASS);
  jmethodID main_method = main_class == NULL ? NULL
      : (*env)->GetStaticMethodID(env, main_class, "main", "([Ljava/lang/String;)V");
  if (main_method == NULL) {
    (*env)->ExceptionDescribe(env);
    fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, java,
        L"org.kmsagent.agent.windows.service.ServiceMain.main not found in <install>\\lib: the installation is"
        L" incomplete");
    return EXIT_JVM_START_FAILED;
  }
  jclass string_class = (*env)->FindClass(env, "java/lang/String");
  jobjectArray args = (*env)->NewObjectArray(env, argc > 1 ? argc - 1 : 0, string_class, NULL);
  for (int i = 1; i < argc && args != NULL; i++) {
    jstring s = (*env)->NewString(env, (const jchar*)argv[i], (jsize)wcslen(argv[i]));
    (*env)->SetObjectArrayElement(env, args, i - 1, s);
  }
  /* Returns only if Java returns: ServiceMain.main ends the process with System.exit once the service stopped. */
  InterlockedExchange(&g_main_running, 1);
  (*env)->CallStaticVoidMethod(env, main_class, main_method, args);
  int exit_code = 0;
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ExceptionDescribe(env);
    fail(KMSAGENT_JVM_START_FAILED, EXIT_JVM_START_FAILED, java,
        L"ServiceMain.main threw an exception (written to the service's stderr)");
    exit_code = EXIT_JVM_START_FAILED;
  }
  (*vm)->DestroyJavaVM(vm);
  return exit_code;
}

/*
 * Without standard handles (as under the SCM), appends stdout and stderr to <install>\logs\kms-agent-service.log:
 * the process's handles, which the JVM's System.out/err take when it starts, and this program's own stdio.
 */
static void redirect_output_if_detached(void) {
  HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
  HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
  int detached = (out == NULL || out == INVALID_HANDLE_VALUE) && (err == NULL || err == INVALID_HANDLE_VALUE);
  if (!detached) return;
  wchar_t dir[PATH_CHARS], path[PATH_CHARS];
  swprintf(dir, PATH_CHARS, L"%ls\\logs", g_home);
  CreateDirectoryW(dir, NULL);
  swprintf(path, PATH_CHARS, L"%ls\\kms-agent-service.log", dir);
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  HANDLE log = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, &sa,
      OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  if (log == INVALID_HANDLE_VALUE) return;
  SetStdHandle(STD_OUTPUT_HANDLE, log);
  SetStdHandle(STD_ERROR_HANDLE, log);
  _wfreopen(path, L"a", stdout);
  _wfreopen(path, L"a", stderr);
  setvbuf(stderr, NULL, _IONBF, 0);
}

/* <install>: the folder above this exe's bin folder (or the exe's own folder if it is not in a bin folder). */
static void find_home(void) {
  DWORD n = GetModuleFileNameW(NULL, g_home, PATH_CHARS);
  if (n == 0 || n >= PATH_CHARS) {
    wcscpy(g_home, L".");
    return;
  }
  wchar_t* slash = wcsrchr(g_home, L'\\');
  if (slash != NULL) *slash = 0;
  size_t len = wcslen(g_home);
  if (len >= 4 && _wcsicmp(g_home + len - 4, L"\\bin") == 0) g_home[len - 4] = 0;
}

int wmain(int argc, wchar_t** argv) {
  if (argc > 1 && (wcscmp(argv[1], L"--help") == 0 || wcscmp(argv[1], L"-h") == 0 || wcscmp(argv[1], L"/?") == 0)) {
    /* Asked from a console, this was taken as a start: it looked for Java and printed event 1010's text. */
    wprintf(L"Usage: kms-agent-service.exe [--which-java]\n"
            L"The Windows service host of kms-agent, started by the service control manager as the kms-agent\n"
            L"service (installed by the MSI or bin\\install-service.cmd). --which-java prints the Java runtime it\n"
            L"would use, or every place it looked. For commands, use bin\\kms-agent.cmd.\n");
    return 0;
  }
  find_home();
  /* The SCM starts services in %SystemRoot%\System32; the agent's relative paths are relative to <install>. */
  SetCurrentDirectoryW(g_home);
  redirect_output_if_detached();
  wchar_t java[PATH_CHARS];
  int found = find_java(java);
  if (argc > 1 && wcscmp(argv[1], L"--which-java") == 0) {
    if (found) {
      wprintf(L"%ls (Java %d)\n", java, java_major(java));
      return 0;
    }
    wprintf(L"no usable Java %d+ found; looked in: %ls\n", MIN_JAVA_MAJOR, g_looked);
    return EXIT_JAVA_NOT_FOUND;
  }
  if (!found) {
    fail(KMSAGENT_JAVA_NOT_FOUND, EXIT_JAVA_NOT_FOUND, g_looked, NULL);
    return EXIT_JAVA_NOT_FOUND;
  }
  return run_java(java, argc, argv);
}
