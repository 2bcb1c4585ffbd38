package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Frees a buffer the licensing library allocated. SLC documents {@code LocalFree} for every output
 * (docs/kms-rules.md §8.2); on Windows that is kernel32's, elsewhere (the test double) the client library exports a
 * {@code LocalFree} of its own, so the same Java code path runs on both.
 */
@FunctionalInterface
public interface NativeMemory {

    /** Frees {@code p}; a null pointer is ignored. */
    void free(Pointer p);

    /** The freer for buffers of {@code library}: kernel32 on Windows, the library's own export elsewhere. */
    static NativeMemory forLibrary(String library) {
        // kernel32 exports the same signature; x64 has one calling convention.
        LocalFreeExport export = Native.load(Platform.isWindows() ? "kernel32" : library, LocalFreeExport.class);
        return p -> {
            if (p != null) {
                export.LocalFree(p);
            }
        };
    }

    /** {@code HLOCAL LocalFree(HLOCAL)}, kernel32's or a library's own. */
    interface LocalFreeExport extends Library {
        Pointer LocalFree(Pointer p);
    }
}
