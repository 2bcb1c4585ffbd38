package org.kmsagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The configuration files an administrator opens in Notepad (conf\agent.yaml, conf\hub.yaml, conf\service-jvm.options)
 * reach Windows with CRLF line endings, through the .zip archives and the MSI: Notepad before Windows 10 1809 (Server
 * 2016 included) shows an LF file as a single line. The .tar.gz archives, for Linux, keep them LF.
 */
class ConfLineEndingsIT {
    static final String VERSION = System.getProperty("kmsagent.version", "0.1.0-SNAPSHOT");
    static final Path BASEDIR =
            Path.of(System.getProperty("kmsagent.basedir", ".")).toAbsolutePath();

    /** Each shipped configuration file under conf/, and its source. */
    static final Map<String, Path> SOURCES = Map.of(
            "agent.yaml", BASEDIR.resolve("src/main/conf/agent.yaml"),
            "hub.yaml", BASEDIR.resolve("src/main/conf/hub.yaml"),
            "service-jvm.options", BASEDIR.resolve("../agent/windows-service/src/main/dist/conf/service-jvm.options"));

    static final List<String> FULL = List.of("agent.yaml", "hub.yaml", "service-jvm.options");
    static final List<String> MACHINE = List.of("agent.yaml", "service-jvm.options");

    static String source(String name) {
        try {
            String text = Files.readString(SOURCES.get(name), StandardCharsets.UTF_8);
            assertThat(text).as("the source of %s", name).doesNotContain("\r");
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's text has CRLF line endings only, and is its source's text otherwise. */
    static void assertCrlf(String what, String text, String name) {
        assertThat(text).as(what).isNotEmpty().endsWith("\r\n");
        assertThat(text.replace("\r\n", ""))
                .as("%s: every line ends with CRLF (no LF or CR alone)", what)
                .doesNotContain("\n")
                .doesNotContain("\r");
        assertThat(text.replace("\r\n", "\n"))
                .as("%s, line endings aside", what)
                .isEqualTo(source(name));
    }

    static String zipEntry(Path zip, String entry) {
        return new String(zipBytes(zip, entry), StandardCharsets.UTF_8);
    }

    static byte[] zipBytes(Path zip, String entry) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(entry);
            assertThat(e).as("%s in %s", entry, zip.getFileName()).isNotNull();
            return z.getInputStream(e).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tarEntry(Path tarGz, String entry) {
        return new String(run("tar", "-xzOf", tarGz.toString(), entry), StandardCharsets.UTF_8);
    }

    static byte[] run(String... command) {
        try {
            Process p = new ProcessBuilder(command).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " failed:\n" + err);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theZipArchivesCarryTheConfigurationWithCrlfLineEndings() {
        for (String base : List.of("kms-agent-" + VERSION, "kms-agent-machine-" + VERSION)) {
            Path zip = WineCmd.TARGET.resolve(base + ".zip");
            for (String name : base.startsWith("kms-agent-machine") ? MACHINE : FULL) {
                String entry = base + "/conf/" + name;
                assertCrlf(zip.getFileName() + "!" + entry, zipEntry(zip, entry), name);
            }
        }
    }

    @Test
    void theTarGzArchivesKeepTheConfigurationWithLfLineEndings() {
        for (String base : List.of("kms-agent-" + VERSION, "kms-agent-machine-" + VERSION)) {
            Path tarGz = WineCmd.TARGET.resolve(base + ".tar.gz");
            for (String name : base.startsWith("kms-agent-machine") ? MACHINE : FULL) {
                String entry = base + "/conf/" + name;
                assertThat(tarEntry(tarGz, entry))
                        .as("%s!%s", tarGz.getFileName(), entry)
                        .isEqualTo(source(name));
            }
        }
    }

    @Test
    void theMsiInstallsTheConfigurationWithCrlfLineEndingsInProgramFilesAndProgramData() throws IOException {
        WineCmd.requireTool("msiextract", "msitools");
        Path msi = WineCmd.TARGET.resolve("kms-agent-" + VERSION + ".msi");
        Path out = WineCmd.TARGET.resolve("msi-extract");
        if (Files.exists(out)) {
            try (var walk = Files.walk(out)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(out);
        run("msiextract", "-C", out.toString(), msi.toString());
        // msiextract drops the root folders: Program Files\kms-agent\ and %ProgramData%\kms-agent\ are both
        // kms-agent/ here, the machine's own agent.yaml beside conf/.
        Map<String, String> files = Map.of(
                "kms-agent/conf/agent.yaml", "agent.yaml",
                "kms-agent/conf/service-jvm.options", "service-jvm.options",
                "kms-agent/agent.yaml", "agent.yaml");
        files.forEach((path, name) -> {
            try {
                assertCrlf(msi.getFileName() + "!" + path, Files.readString(out.resolve(path)), name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
