/*
 * A stand-in for a Java runtime's bin\server\jvm.dll, for the tests that run the Windows service host
 * (kms-agent-service.exe) under Wine (distribution/src/test/java/.../ServiceHostWineIT.java). It is not a JVM.
 *
 * JNI_CreateJavaVM writes each option the host gave it to stdout, as "option[<n>]=<value>", and ends the process
 * with exit code 0: what a test checks is the flags the host chose and the files it moved, not a running agent.
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

__declspec(dllexport) int JNI_CreateJavaVM(void **vm, void **env, void *args) {
  (void)vm;
  (void)env;
  StandInInitArgs *init = (StandInInitArgs *)args;
  for (int i = 0; i < init->nOptions; i++) printf("option[%d]=%s\n", i, init->options[i].optionString);
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
