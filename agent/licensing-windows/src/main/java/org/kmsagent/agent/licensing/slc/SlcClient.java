package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Native;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kmsagent.agent.licensing.registry.RegistryException;
import org.kmsagent.agent.licensing.registry.RegistryKey;
import org.kmsagent.agent.licensing.registry.RegistryValue;
import org.kmsagent.agent.licensing.win32.LinkErrors;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;

/**
 * A loaded licensing client library ({@code slc} or {@code osppc}) and the freer for its buffers. Loading happens
 * once per library name; {@link #open()} gives a session.
 */
public final class SlcClient {
    /** The key whose {@code Path} value names the folder of OSPP's {@code osppc.dll}. */
    /** The registry key of Windows' own licensing service (SPP): its settings (docs/kms-rules.md §8.1). */
    public static final String SPP_KEY = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform";

    public static final String OSPP_KEY = "SOFTWARE\\Microsoft\\OfficeSoftwareProtectionPlatform";

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
     * from the system path or {@code jna.library.path}; OSPP's {@code osppc}, which is not on the system path, else
     * from the folder {@code HKLM\SOFTWARE\Microsoft\OfficeSoftwareProtectionPlatform\Path} names.
     *
     * @throws UnsatisfiedLinkError if the library cannot be found or lacks a symbol
     */
    public static SlcClient forService(LicensingService service) {
        return forLibrary(service.clientLibrary());
    }

    /** The client of a named library, loaded once ({@code osppc} as {@link #forService} says). */
    public static SlcClient forLibrary(String library) {
        return LOADED.computeIfAbsent(
                library,
                name -> load(
                        name,
                        LicensingService.OSPP.clientLibrary().equals(name)
                                ? System.getProperty("kmsagent.registry.library", "advapi32")
                                : null));
    }

    /**
     * Loads {@code library} by name and, when that fails and {@code osppRegistryLibrary} is given, by its full path
     * in the folder of OSPP's {@code Path} value, read through that registry library ({@code advapi32} on Windows;
     * tests name a double and another library). Without it, the service would find {@code osppc.dll} only when an
     * administrator added that folder to {@code PATH} or to {@code jna.library.path} in {@code conf\service-jvm.options},
     * a file an MSI upgrade replaces.
     *
     * @throws UnsatisfiedLinkError naming every place tried, when none holds the library
     */
    public static SlcClient load(String library, String osppRegistryLibrary) {
        UnsatisfiedLinkError byName;
        try {
            return new SlcClient(library, Native.load(library, SlcLibrary.class), NativeMemory.forLibrary(library));
        } catch (UnsatisfiedLinkError e) {
            if (osppRegistryLibrary == null) {
                throw e;
            }
            byName = e;
        }
        String tried =
                library + " could not be loaded by name (system path, jna.library.path): " + LinkErrors.summary(byName);
        String valuePath = "HKLM\\" + OSPP_KEY + "\\Path";
        Optional<RegistryValue> folder;
        try {
            folder = RegistryKey.localMachine(osppRegistryLibrary, OSPP_KEY).value("Path");
        } catch (RegistryException | UnsatisfiedLinkError e) {
            throw linkError(
                    tried + "; nor could " + valuePath + " be read: "
                            + (e instanceof UnsatisfiedLinkError u ? LinkErrors.summary(u) : e.getMessage()),
                    byName);
        }
        if (folder.isEmpty()
                || !(folder.get() instanceof RegistryValue.Sz sz)
                || sz.text().isBlank()) {
            throw linkError(
                    tried + "; and " + valuePath + (folder.isEmpty() ? " is not set" : " names no folder")
                            + " (is Office's Software Protection Platform installed?)",
                    byName);
        }
        String file;
        try {
            file = Path.of(sz.text().strip(), System.mapLibraryName(library)).toString();
        } catch (InvalidPathException e) {
            throw linkError(tried + "; and " + valuePath + " is not a folder: " + sz.text(), byName);
        }
        try {
            return new SlcClient(library, Native.load(file, SlcLibrary.class), NativeMemory.forLibrary(file));
        } catch (UnsatisfiedLinkError e) {
            throw linkError(
                    tried + "; nor from " + file + " (the folder " + valuePath + " names): " + LinkErrors.summary(e),
                    byName);
        }
    }

    private static UnsatisfiedLinkError linkError(String message, UnsatisfiedLinkError cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(message);
        e.initCause(cause);
        return e;
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
