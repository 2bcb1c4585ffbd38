/**
 * What every Win32 binding here shares, below them all: UTF-16LE strings in native memory ({@link Utf16}), which SLC,
 * the registry, WMI and the event log each pass and read, and what a library that cannot load is reported as
 * ({@link LinkErrors}). Depends on nothing of the agent's.
 */
package org.kmsagent.agent.licensing.win32;
