package org.kmsagent.agent.licensing.slc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.licensing.kmshost.RegistryDouble;

/**
 * OSPP's client library where Windows' loader does not look: in the folder that
 * {@code HKLM\SOFTWARE\Microsoft\OfficeSoftwareProtectionPlatform\Path} names (the registry double answers it). The
 * OSPP double is copied there under a library name that is not on {@code jna.library.path}, so loading by name fails
 * as {@code osppc} does for a service whose JVM flags name no folder.
 */
class OsppLibraryFolderTest {
    private static final String VALUE = "HKLM\\SOFTWARE\\Microsoft\\OfficeSoftwareProtectionPlatform\\Path";

    @Test
    void aClientLibraryNotFoundByNameIsLoadedFromTheFolderOfOfficesPathValue(@TempDir Path tmp) throws Exception {
        SlcDouble.load("osppc");
        RegistryDouble registry = RegistryDouble.load();
        String name = "kmsagent-osppc-elsewhere";
        Path folder = tmp.resolve("Microsoft Shared").resolve("OfficeSoftwareProtectionPlatform");
        Files.createDirectories(folder);
        Path copy = folder.resolve(System.mapLibraryName(name));
        Files.copy(Path.of(System.getProperty("jna.library.path"), System.mapLibraryName("osppc")), copy);
        registry.double_reg_set_key_sz(SlcClient.OSPP_KEY, "Path", folder + "/");

        SlcClient client = SlcClient.load(name, RegistryDouble.LIBRARY);

        assertThat(client.library()).isEqualTo(name);
        SlcDoubleControl loaded = Native.load(copy.toString(), SlcDoubleControl.class);
        try (SlcSession s = client.open()) {
            assertThat(s).isNotNull();
            assertThat(loaded.double_open_handles())
                    .as("the session is open on the copy in the folder")
                    .isEqualTo(1);
        }
        assertThat(loaded.double_open_handles()).isZero();
    }

    @Test
    void whenTheFolderHoldsNoLibraryTheErrorNamesBothPlacesTried(@TempDir Path tmp) {
        SlcDouble.load("osppc");
        RegistryDouble registry = RegistryDouble.load();
        String name = "kmsagent-osppc-nowhere";
        registry.double_reg_set_key_sz(SlcClient.OSPP_KEY, "Path", tmp + "/");

        assertThatThrownBy(() -> SlcClient.load(name, RegistryDouble.LIBRARY))
                .isInstanceOf(UnsatisfiedLinkError.class)
                .hasMessageContaining(name + " could not be loaded by name (system path, jna.library.path)")
                .hasMessageContaining(
                        "nor from " + tmp.resolve(System.mapLibraryName(name)) + " (the folder " + VALUE + " names)");
    }

    @Test
    void withoutOfficesPathValueTheErrorSaysItIsNotSet() {
        SlcDouble.load("osppc");
        RegistryDouble.load();

        assertThatThrownBy(() -> SlcClient.load("kmsagent-osppc-nowhere", RegistryDouble.LIBRARY))
                .isInstanceOf(UnsatisfiedLinkError.class)
                .hasMessageContaining("could not be loaded by name")
                .hasMessageContaining(VALUE + " is not set (is Office's Software Protection Platform installed?)");
    }

    @Test
    void windowsOwnClientIsNotLookedForInOfficesFolder() {
        assertThatThrownBy(() -> SlcClient.load("kmsagent-slc-nowhere", null))
                .isInstanceOf(UnsatisfiedLinkError.class)
                .hasMessageNotContaining("OfficeSoftwareProtectionPlatform");
    }
}
