package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Native;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;

/**
 * A loaded licensing client library ({@code slc} or {@code osppc}) and the freer for its buffers. Loading happens
 * once per library name; {@link #open()} gives a session.
 */
public final class SlcClient {
    private static final Map<String, SlcClient> LOADED = new ConcurrentHashMap<>();

    private final String library;
    private final SlcLibrary lib;
    private final NativeMemory memory;

    /** A client over given bindings (tests may wrap them). */
    public SlcClient(String library, SlcLibrary lib, NativeMemory memory) {
        this.library = Objects.requireNonNull(library, "library");
        this.lib = Objects.requireNonNull(lib, "lib");
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /**
     * The client of the library that licenses {@code service} ({@link LicensingService#clientLibrary()}), loaded
     * from the system path or {@code jna.library.path}.
     *
     * @throws UnsatisfiedLinkError if the library cannot be found or lacks a symbol
     */
    public static SlcClient forService(LicensingService service) {
        return forLibrary(service.clientLibrary());
    }

    /** The client of a named library, loaded once. */
    public static SlcClient forLibrary(String library) {
        return LOADED.computeIfAbsent(
                library,
                name -> new SlcClient(name, Native.load(name, SlcLibrary.class), NativeMemory.forLibrary(name)));
    }

    /** The library's name ({@code slc}, {@code osppc}). */
    public String library() {
        return library;
    }

    /** {@code SLOpen}: a new session; close it (try-with-resources). */
    public SlcSession open() throws LicensingException {
        return SlcSession.open(lib, memory, library);
    }
}
