/*
 * The machine-dependent JNI types for 64-bit Windows, for cross-compiling kms-agent-service.exe with mingw-w64
 * against the build JDK's own jni.h (whose jni_md.h is the build machine's, Linux, where long is 64 bits).
 * Windows is LLP64: jint must be a 32-bit long, jlong a 64-bit __int64. JNI entry points are __stdcall, which x64
 * ignores, so JNICALL is empty: exactly as JDK 23+'s jni.h defines it itself (an identical redefinition is allowed,
 * a different one is an error under -Werror), while JDK 17's jni.h takes it from here.
 */
#ifndef KMSAGENT_JNI_MD_H
#define KMSAGENT_JNI_MD_H

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL

typedef long jint;
typedef __int64 jlong;
typedef signed char jbyte;

#endif
