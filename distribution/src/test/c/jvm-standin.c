/*
 * A stand-in for a Java runtime's bin\server\jvm.dll, for the tests that run the Windows service host
 * (kms-agent-service.exe) under Wine (distribution/src/test/java/.../ServiceHostWineIT.java). It is not a JVM.
 *
 * JNI_CreateJavaVM writes each option the host gave it to stdout, as "option[<n>]=<value>" (a control character as
 * \xNN), and ends the process with exit code 0: what a test checks is the flags the host chose and the files it
 * moved, not a running agent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* The layout of jni.h's JavaVMOption and JavaVMInitArgs (jint is 32 bits, jboolean 8). */
typedef struct {
  char *optionString;
  void *extraInfo;
} StandInOption;

typedef struct {
  int version;
  int nOptions;
  StandInOption *options;
  unsigned char ignoreUnrecognized;
} StandInInitArgs;

/* "option[<n>]=<value>", a control character of the value as \xNN: a CR or a tab left at the end of a flag (a CRLF
   line of the options file) would otherwise be lost in the console's own line ends. */
static void print_option(int i, const char *value) {
  printf("option[%d]=", i);
  for (const unsigned char *p = (const unsigned char *)value; *p != 0; p++) {
    if (*p < 0x20 || *p == 0x7F) {
      printf("\\x%02X", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('\n');
}

__declspec(dllexport) int JNI_CreateJavaVM(void **vm, void **env, void *args) {
  (void)vm;
  (void)env;
  StandInInitArgs *init = (StandInInitArgs *)args;
  for (int i = 0; i < init->nOptions; i++) print_option(i, init->options[i].optionString);
  fflush(stdout);
  /* STANDIN_EXIT_DURING_START=N: as a JVM that gives up during its start (a flag it refuses), call the host's exit
     hook with N, then end the process with N as HotSpot does. */
  char code[16];
  if (GetEnvironmentVariableA("STANDIN_EXIT_DURING_START", code, sizeof code) > 0) {
    for (int i = 0; i < init->nOptions; i++) {
      if (strcmp(init->options[i].optionString, "exit") == 0 && init->options[i].extraInfo != NULL) {
        ((void (__stdcall *)(int))init->options[i].extraInfo)(atoi(code));
      }
    }
    ExitProcess(atoi(code));
  }
  ExitProcess(0);
  return -1;
}
