package org.kmsagent.agent.licensing.kmshost;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gcc-built registry double ({@code libkmsregistry.so} in {@code jna.library.path}, src/test/c/registrydouble.c):
 * RegGetValueW over the SoftwareProtectionPlatform key, with the functions that script it. Loading it skips the test
 * with a message where gcc was absent and the library was not built.
 */
public interface RegistryDouble extends Library {
    String LIBRARY = "kmsregistry";

    void double_reg_reset();

    long double_reg_calls();

    int double_reg_set_sz(String name, String text);

    /** A REG_SZ value of another key of HKLM than SoftwareProtectionPlatform's. */
    int double_reg_set_key_sz(String key, String name, String text);

    int double_reg_set_multi_sz(String name, String text);

    int double_reg_set_dword(String name, int value);

    int double_reg_set_error(String name, int status);

    static RegistryDouble load() {
        String dir = System.getProperty("jna.library.path", "");
        Path file = Path.of(dir, "lib" + LIBRARY + ".so");
        assumeTrue(
                !dir.isEmpty() && Files.isRegularFile(file),
                "native registry double " + file + " not built (gcc absent, profile native-double inactive): skipping");
        RegistryDouble d = Native.load(LIBRARY, RegistryDouble.class);
        d.double_reg_reset();
        return d;
    }
}
