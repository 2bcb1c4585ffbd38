package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lib/bundled-plugins.txt as an installation holds it, or as an editor on Windows saved it. */
class BundledFamiliesTest {
    @TempDir
    Path dir;

    @Test
    void idsAreReadWithoutCommentsBlankLinesSpacesOrTheByteOrderMark() throws Exception {
        Path list = dir.resolve(BundledFamilies.FILE_NAME);
        Files.write(
                list,
                ("\uFEFFwindows-client\r\n# the families\r\n\r\n  windows-server  # Windows Server\r\noffice2013\r\n")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(BundledFamilies.read(list)).containsExactly("windows-client", "windows-server", "office2013");
    }

    @Test
    void aMissingOrUnreadableListIsAnEmptyOneAndThePluginsStillLoad() throws Exception {
        assertThat(BundledFamilies.read(dir.resolve("absent.txt"))).isEmpty();
        Path notText = Files.write(dir.resolve("binary.txt"), new byte[] {(byte) 0xC3, (byte) 0x28});
        assertThat(BundledFamilies.read(notText)).isEmpty();
        assertThat(BundledFamilies.read(Files.createDirectory(dir.resolve("folder.txt"))))
                .isEmpty();
    }
}
