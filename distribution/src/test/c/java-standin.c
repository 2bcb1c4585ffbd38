/*
 * A stand-in for java.exe, for the launcher tests that run bin\*.cmd under Wine's cmd.exe
 * (distribution/src/test/java/.../LauncherWineIT.java). It is not Java.
 *
 * - With -version among its arguments it writes what a JDK writes to stderr, for the version read from
 *   java-version.txt beside this executable (one line, e.g. 17.0.2 or 1.8.0_402), and exits 0.
 * - Otherwise it writes to stdout the path it was started as, then each argument it received on its own line,
 *   as "arg[<n>]=<value>", so that a test can check the flags, the classpath and KMSAGENT_JAVA_OPTS. An argument
 *   --standin-exit=<n> makes it exit with n (the launcher must pass the exit code on).
 * - java-version.txt missing: it behaves like a broken runtime (message on stderr, exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static int read_version(char *out, size_t size) {
  char path[MAX_PATH];
  DWORD n = GetModuleFileNameA(NULL, path, sizeof path);
  if (n == 0 || n >= sizeof path) return 0;
  char *slash = strrchr(path, '\\');
  if (slash == NULL) return 0;
  strcpy(slash + 1, "java-version.txt");
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  int ok = fgets(out, (int)size, f) != NULL;
  fclose(f);
  if (!ok) return 0;
  out[strcspn(out, "\r\n")] = '\0';
  return out[0] != '\0';
}

int main(int argc, char **argv) {
  int wants_version = 0;
  int exit_code = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-version") == 0) wants_version = 1;
    if (strncmp(argv[i], "--standin-exit=", 15) == 0) exit_code = atoi(argv[i] + 15);
  }
  char version[64];
  if (!read_version(version, sizeof version)) {
    fprintf(stderr, "Error: could not open the stand-in's java-version.txt\n");
    return 1;
  }
  if (wants_version) {
    /* The three lines of an OpenJDK build; Java 8 and older said "java version" instead. */
    const char *kind = strncmp(version, "1.", 2) == 0 ? "java" : "openjdk";
    fprintf(stderr, "%s version \"%s\" 2024-01-16\n", kind, version);
    fprintf(stderr, "OpenJDK Runtime Environment (build %s+8)\n", version);
    fprintf(stderr, "OpenJDK 64-Bit Server VM (build %s+8, mixed mode, sharing)\n", version);
    return 0;
  }
  char self[MAX_PATH];
  GetModuleFileNameA(NULL, self, sizeof self);
  printf("standin=%s\n", self);
  for (int i = 1; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);
  fflush(stdout);
  return exit_code;
}
