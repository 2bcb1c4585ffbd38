/*
 * A stand-in for java.exe, for the launcher tests that run bin\*.cmd under Wine's cmd.exe
 * (distribution/src/test/java/.../LauncherWineIT.java). It is not Java.
 *
 * - With -version among its arguments it writes what a JDK writes to stderr, for the version read from
 *   java-version.txt beside this executable (one line, e.g. 17.0.2 or 1.8.0_402), and exits 0.
 * - With -XshowSettings:properties as well, it first writes the "Property settings:" block a JDK writes to stderr,
 *   with java.home, java.runtime.version and java.version among other lines. java.home is the folder above this
 *   executable's, as a JDK's bin\java.exe reports, unless java-home.txt beside it names another (as the links in
 *   Oracle's javapath folder report the runtime they lead to); an empty java-home.txt makes it report none.
 * - Otherwise it writes to stdout the path it was started as, then each argument it received on its own line,
 *   as "arg[<n>]=<value>", so that a test can check the flags, the classpath and KMSAGENT_JAVA_OPTS. An argument
 *   --standin-exit=<n> makes it exit with n (the launcher must pass the exit code on).
 * - java-version.txt missing: it behaves like a broken runtime (message on stderr, exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* The first line of <name> beside this executable into out: 1 if the file exists (the line may be empty). */
static int read_beside(const char *name, char *out, size_t size) {
  char path[MAX_PATH];
  out[0] = '\0';
  DWORD n = GetModuleFileNameA(NULL, path, sizeof path);
  if (n == 0 || n >= sizeof path) return 0;
  char *slash = strrchr(path, '\\');
  if (slash == NULL || (size_t)(slash - path) + 1 + strlen(name) >= sizeof path) return 0;
  strcpy(slash + 1, name);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  if (fgets(out, (int)size, f) == NULL) out[0] = '\0';
  fclose(f);
  out[strcspn(out, "\r\n")] = '\0';
  return 1;
}

static int read_version(char *out, size_t size) {
  return read_beside("java-version.txt", out, size) && out[0] != '\0';
}

/* The Java home this stand-in reports; 0 if it reports none (an empty java-home.txt). */
static int read_home(char *out, size_t size) {
  if (read_beside("java-home.txt", out, size)) return out[0] != '\0';
  DWORD n = GetModuleFileNameA(NULL, out, (DWORD)size);
  if (n == 0 || n >= size) return 0;
  for (int up = 0; up < 2; up++) {
    char *slash = strrchr(out, '\\');
    if (slash == NULL) return 0;
    *slash = '\0';
  }
  return out[0] != '\0';
}

int main(int argc, char **argv) {
  int wants_version = 0;
  int wants_properties = 0;
  int exit_code = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-version") == 0) wants_version = 1;
    if (strcmp(argv[i], "-XshowSettings:properties") == 0) wants_properties = 1;
    if (strncmp(argv[i], "--standin-exit=", 15) == 0) exit_code = atoi(argv[i] + 15);
  }
  char version[64];
  if (!read_version(version, sizeof version)) {
    fprintf(stderr, "Error: could not open the stand-in's java-version.txt\n");
    return 1;
  }
  if (wants_properties) {
    /* As a JDK: sorted, four spaces in, a list property's further values on lines of their own (eight in). */
    char home[MAX_PATH];
    fprintf(stderr, "Property settings:\n");
    fprintf(stderr, "    file.encoding = Cp1252\n");
    if (read_home(home, sizeof home)) fprintf(stderr, "    java.home = %s\n", home);
    fprintf(stderr, "    java.library.path = C:\\Windows\\system32\n");
    fprintf(stderr, "        C:\\Program Files\\Common Files\\Oracle\\Java\\javapath\n");
    fprintf(stderr, "    java.runtime.version = %s+8\n", version);
    fprintf(stderr, "    java.vendor = Stand-in\n");
    fprintf(stderr, "    java.version = %s\n", version);
    fprintf(stderr, "    java.vm.name = OpenJDK 64-Bit Server VM\n");
    fprintf(stderr, "\n");
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
