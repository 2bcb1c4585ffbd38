package org.kmsagent.agent.windows.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The cross-compiled kms-agent-service.exe (profile windows-launcher) is a 64-bit Windows console program that
 * imports advapi32 and carries the message table. It cannot run here; this checks what was built.
 */
class LauncherBuildTest {
    @Test
    void theLauncherIsAnX64WindowsExecutableWithTheMessageTable() throws IOException {
        Path exe = Path.of(System.getProperty("kmsagent.test.windowsDir", "target/windows"), "kms-agent-service.exe");
        assumeTrue(
                Files.isRegularFile(exe),
                exe + " not built (x86_64-w64-mingw32-gcc absent, profile windows-launcher inactive): skipping");
        byte[] b = Files.readAllBytes(exe);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(b, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("MZ");
        int pe = buf.getInt(0x3C);
        assertThat(buf.getInt(pe)).isEqualTo(0x00004550); // "PE\0\0"
        assertThat(buf.getShort(pe + 4) & 0xffff).isEqualTo(0x8664); // IMAGE_FILE_MACHINE_AMD64
        assertThat(buf.getShort(pe + 24) & 0xffff).isEqualTo(0x20B); // PE32+
        String ascii = new String(b, StandardCharsets.ISO_8859_1);
        assertThat(ascii)
                .containsIgnoringCase("advapi32.dll")
                .contains("StartServiceCtrlDispatcherW")
                .contains("ReportEventW")
                .contains("JNI_CreateJavaVM");
        // The message table's texts are UTF-16 (windmc -U).
        String utf16 =
                new String(b, StandardCharsets.UTF_16LE) + new String(b, 1, b.length - 1, StandardCharsets.UTF_16LE);
        assertThat(utf16).contains("kms-agent started (version %1, Java %2, process %3).");
    }
}
