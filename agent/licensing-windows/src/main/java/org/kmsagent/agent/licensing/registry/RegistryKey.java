package org.kmsagent.agent.licensing.registry;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.Objects;
import java.util.Optional;
import org.kmsagent.agent.licensing.win32.Utf16;

/**
 * One key under {@code HKEY_LOCAL_MACHINE}, read value by value through {@code RegGetValueW}. An absent key or value
 * reads as empty; any other failure is a {@link RegistryException} naming the value and the status. Read-only.
 */
public final class RegistryKey {
    private static final int FIRST_BUFFER = 512;

    private final Advapi32Registry library;
    private final String path;

    public RegistryKey(Advapi32Registry library, String path) {
        this.library = Objects.requireNonNull(library, "library");
        this.path = Objects.requireNonNull(path, "path");
    }

    /**
     * The key {@code path} under HKLM through the named library ({@code advapi32} on Windows; tests load a double).
     *
     * @throws UnsatisfiedLinkError if the library cannot be loaded here
     */
    public static RegistryKey localMachine(String libraryName, String path) {
        return new RegistryKey(Native.load(libraryName, Advapi32Registry.class), path);
    }

    public String path() {
        return "HKLM\\" + path;
    }

    /** The value, or empty when the key or the value does not exist. */
    public Optional<RegistryValue> value(String name) throws RegistryException {
        Memory subKey = Utf16.of(path);
        Memory valueName = Utf16.of(name);
        int size = FIRST_BUFFER;
        for (int attempt = 0; attempt < 3; attempt++) {
            Memory data = new Memory(size);
            IntByReference type = new IntByReference();
            IntByReference cb = new IntByReference(size);
            int status = library.RegGetValueW(
                    Advapi32Registry.HKEY_LOCAL_MACHINE,
                    subKey,
                    valueName,
                    Advapi32Registry.RRF_RT_SZ_DWORD_MULTI_SZ,
                    type,
                    data,
                    cb);
            if (status == Advapi32Registry.ERROR_FILE_NOT_FOUND) {
                return Optional.empty();
            }
            if (status == Advapi32Registry.ERROR_MORE_DATA) {
                size = Math.max(
                        cb.getValue(), size * 2); // the value grew between calls, or was larger than the first guess
                continue;
            }
            if (status != Advapi32Registry.ERROR_SUCCESS) {
                throw new RegistryException(
                        status, path() + "\\" + name + ": RegGetValueW failed with Win32 error " + status);
            }
            return Optional.of(decode(name, type.getValue(), data, Math.min(cb.getValue(), size)));
        }
        throw new RegistryException(
                Advapi32Registry.ERROR_MORE_DATA, path() + "\\" + name + ": the value kept growing while it was read");
    }

    private RegistryValue decode(String name, int type, Pointer data, int cb) throws RegistryException {
        byte[] bytes = data.getByteArray(0, cb);
        return switch (type) {
            case Advapi32Registry.REG_SZ -> new RegistryValue.Sz(Utf16.decode(bytes));
            case Advapi32Registry.REG_MULTI_SZ -> new RegistryValue.MultiSz(Utf16.decodeList(bytes));
            case Advapi32Registry.REG_DWORD -> {
                if (cb != 4) {
                    throw new RegistryException(0, path() + "\\" + name + ": a REG_DWORD of " + cb + " bytes");
                }
                yield new RegistryValue.Dword(data.getInt(0) & 0xFFFF_FFFFL);
            }
            default -> throw new RegistryException(0, path() + "\\" + name + ": unexpected registry type " + type);
        };
    }
}
