package org.kmsagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Windows service host as built (bin\kms-agent-service.exe, cross-compiled by agent/windows-service), run by
 * Wine from a console with a stand-in jvm.dll that prints the options the host gives the JVM and ends the process
 * (src/test/c/jvm-standin.c): which class-data archive flags it chooses, and what it does with the archive's files.
 */
class ServiceHostWineIT {
    static final String HOME = "C:\\Program Files\\kms-agent-service-test";
    static final String JDK = "C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.9.9-hotspot";
    static final String ARCHIVE = HOME + "\\lib\\kms-agent-run-17.0.9+9.jsa";

    @BeforeAll
    static void layout() throws IOException {
        WineCmd.ensurePrefix();
        Path exe = WineCmd.TARGET.resolve("kms-agent/bin/kms-agent-service.exe");
        if (!Files.isRegularFile(exe)) {
            fail(
                    exe
                            + " is missing: agent/windows-service builds it where mingw-w64 is installed (.ci/run installs it)");
        }
        Path home = WineCmd.onC(HOME);
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("conf"));
        Files.copy(exe, home.resolve("bin/kms-agent-service.exe"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(home.resolve("lib/agent.jar"), "");
        Path jdk = WineCmd.onC(JDK);
        Files.createDirectories(jdk.resolve("bin/server"));
        Files.copy(WineCmd.standInJvm(), jdk.resolve("bin/server/jvm.dll"), StandardCopyOption.REPLACE_EXISTING);
        WineCmd.release(JDK, "17.0.9", "17.0.9+9");
        Files.writeString(jdk.resolve("bin/server/classes.jsa"), "the runtime's base archive");
    }

    /** Starts the service host as a console program; returns the JVM options it gave, in order. */
    private static List<String> start() {
        return start(JDK);
    }

    /** As {@link #start()}, with the runtime in {@code java}. */
    private static List<String> start(String java) {
        WineCmd.Result r = WineCmd.run(
                Map.of("KMSAGENT_JAVA_HOME", java), 60, HOME + "\\bin\\kms-agent-service.exe", "C:\\a.yaml");
        assertThat(r.exit()).as(r.both()).isZero();
        return r.out()
                .lines()
                .filter(l -> l.startsWith("option["))
                .map(l -> l.substring(l.indexOf('=') + 1))
                .toList();
    }

    private static Path lib(String name) {
        return WineCmd.onC(HOME + "\\lib\\" + name);
    }

    @Test
    void theFirstStartOfTheServiceMakesTheClassDataArchiveAndLaterStartsUseIt() throws IOException {
        Path made = lib("kms-agent-run-17.0.9+9.jsa");
        Path pending = lib("kms-agent-run-17.0.9+9.jsa.pending");
        Path real = lib("kms-agent-run-17.0.9+9.jsa.pending.real");
        Path older = lib("kms-agent-run-17.0.2+8.jsa");
        for (Path f : List.of(made, pending, real, older)) {
            Files.deleteIfExists(f); // from an earlier run of this test in the same target folder
        }
        Files.writeString(WineCmd.onC(HOME + "\\conf\\service-jvm.options"), "# overrides\r\n-Xlog:cds=info\r\n");

        // The JVM writes the pending archive at exit; the service marks it real once the agent has started.
        assertThat(start())
                .containsSubsequence(
                        "-Xmx64m",
                        "-XX:ArchiveClassesAtExit=" + ARCHIVE + ".pending",
                        "-Dkmsagent.cds.pending=" + ARCHIVE + ".pending",
                        "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off",
                        // the options file comes last, so that a line there overrides the host's flags
                        "-Xlog:cds=info")
                .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
        assertThat(pending).doesNotExist();

        // A pending archive the agent did not mark (a refused configuration) is thrown away, and made again.
        Files.writeString(pending, "partial");
        assertThat(start()).contains("-XX:ArchiveClassesAtExit=" + ARCHIVE + ".pending");
        assertThat(pending).doesNotExist();

        // One it marked becomes the archive, and an older runtime's archive goes.
        byte[] archive = dynamicArchive("the regions");
        Files.write(pending, archive);
        Files.writeString(real, "");
        Files.writeString(older, "older runtime");
        assertThat(start())
                .contains("-XX:SharedArchiveFile=" + ARCHIVE, "-Xlog:cds=off")
                .noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit") || o.startsWith("-Dkmsagent.cds"));
        assertThat(made).hasBinaryContent(archive);
        assertThat(pending).doesNotExist();
        assertThat(real).doesNotExist();
        assertThat(older).doesNotExist();

        assertThat(start()).contains("-XX:SharedArchiveFile=" + ARCHIVE);
        assertThat(made).hasBinaryContent(archive);
    }

    /** A dynamic class-data archive as HotSpot finishes it: its header, starting with 0xf00baba8 little-endian. */
    static byte[] dynamicArchive(String rest) {
        byte[] tail = rest.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[4 + tail.length];
        b[0] = (byte) 0xA8;
        b[1] = (byte) 0xAB;
        b[2] = (byte) 0x0B;
        b[3] = (byte) 0xF0;
        System.arraycopy(tail, 0, b, 4, tail.length);
        return b;
    }

    @Test
    void aMarkedPendingArchiveTheJvmDidNotFinishWritingIsDeletedNotKeptForGood() throws IOException {
        // HotSpot writes the archive's header, magic first, after its regions: a JVM ended while it dumped (a service
        // killed as it stopped, the agent having marked the run real) leaves an empty file or one that starts with
        // zeros. Kept, it was the archive for good, and the JVM silently did without it at every start.
        Path made = lib("kms-agent-run-17.0.9+9.jsa");
        Path pending = lib("kms-agent-run-17.0.9+9.jsa.pending");
        Path real = lib("kms-agent-run-17.0.9+9.jsa.pending.real");
        Files.writeString(WineCmd.onC(HOME + "\\conf\\service-jvm.options"), "");
        byte[] regionsOnly = new byte[8192];
        System.arraycopy("the regions".getBytes(StandardCharsets.US_ASCII), 0, regionsOnly, 4096, 11);
        for (byte[] cutShort : List.of(new byte[0], new byte[] {(byte) 0xA8, (byte) 0xAB}, regionsOnly)) {
            Files.deleteIfExists(made);
            Files.write(pending, cutShort);
            Files.writeString(real, "");
            assertThat(start())
                    .as("a pending archive of %d bytes", cutShort.length)
                    .contains("-XX:ArchiveClassesAtExit=" + ARCHIVE + ".pending")
                    .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
            assertThat(made).doesNotExist();
            assertThat(pending).doesNotExist();
            assertThat(real).doesNotExist();
        }
    }

    @Test
    void aReadOnlyPendingArchiveAsJava17WritesItIsStillDeletedOrKept() throws IOException {
        // HotSpot 17 and 21 create the archive with mode 0444, on Windows the read-only attribute, which DeleteFileW
        // refuses: the pending file stayed, and the start's probe of lib\ could not replace it, so no archive was
        // ever made again. (Wine, like Windows, shows a file without write permission as read-only.)
        Path made = lib("kms-agent-run-17.0.9+9.jsa");
        Path pending = lib("kms-agent-run-17.0.9+9.jsa.pending");
        Path real = lib("kms-agent-run-17.0.9+9.jsa.pending.real");
        Path older = lib("kms-agent-run-17.0.2+8.jsa");
        Files.writeString(WineCmd.onC(HOME + "\\conf\\service-jvm.options"), "");
        Files.deleteIfExists(made);

        Files.write(pending, new byte[4096]);
        readOnly(pending);
        assertThat(start()).contains("-XX:ArchiveClassesAtExit=" + ARCHIVE + ".pending");
        assertThat(pending).doesNotExist();

        // Marked and complete, it is kept; the older runtime's read-only archive goes.
        Files.write(pending, dynamicArchive("the regions"));
        readOnly(pending);
        Files.writeString(real, "");
        Files.deleteIfExists(older);
        Files.writeString(older, "older runtime");
        readOnly(older);
        assertThat(start()).contains("-XX:SharedArchiveFile=" + ARCHIVE);
        assertThat(made).hasBinaryContent(dynamicArchive("the regions"));
        assertThat(older).doesNotExist();
        Files.delete(made);
    }

    private static void readOnly(Path file) throws IOException {
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
    }

    @Test
    void aStartThatCouldNotLoadTheRuntimesBaseArchiveMakesNone() throws IOException {
        // Java 17 would refuse to start at all with ArchiveClassesAtExit: under -Xshare:off, or without classes.jsa.
        Path made = lib("kms-agent-run-17.0.9+9.jsa");
        Path options = WineCmd.onC(HOME + "\\conf\\service-jvm.options");
        Path base = WineCmd.onC(JDK + "\\bin\\server\\classes.jsa");
        Files.deleteIfExists(made);
        try {
            Files.writeString(options, "-Xshare:off\r\n");
            assertThat(start()).endsWith("-Xshare:off").noneMatch(o -> o.contains("Archive") || o.contains("cds"));

            Files.writeString(options, "");
            Files.delete(base);
            assertThat(start()).noneMatch(o -> o.contains("Archive") || o.contains("cds"));
        } finally {
            Files.writeString(base, "the runtime's base archive");
            Files.writeString(options, "");
        }
    }

    @Test
    void onJava25TheServiceAllowsGuavasUnsafeCallsQuietlyAsTheLauncherDoesAndJava17IsNotGivenTheFlag()
            throws IOException {
        // The newest Java a JDK installer registered is what the host prefers: Unsafe's four WARNING lines went to
        // kms-agent-service.log at every start, where kms-agent.cmd passes the flag from Java 23.
        String jdk25 = "C:\\Program Files\\Eclipse Adoptium\\jdk-25.0.1.8-hotspot";
        Path home = WineCmd.onC(jdk25);
        Files.createDirectories(home.resolve("bin/server"));
        Files.copy(WineCmd.standInJvm(), home.resolve("bin/server/jvm.dll"), StandardCopyOption.REPLACE_EXISTING);
        WineCmd.release(jdk25, "25.0.1", "25.0.1+8");
        Files.writeString(WineCmd.onC(HOME + "\\conf\\service-jvm.options"), "");

        assertThat(start(jdk25)).contains("--sun-misc-unsafe-memory-access=allow", "-Xmx64m");
        assertThat(start(JDK)).doesNotContain("--sun-misc-unsafe-memory-access=allow");
    }

    @Test
    void aJvmThatEndsDuringItsStartIsReportedAsAStartThatFailedNotAVanishedProcess() throws IOException {
        // As HotSpot does for a flag it refuses (-Xms above -Xmx in service-jvm.options): it exits the process from
        // inside JNI_CreateJavaVM. The host wrote no event 1011 and reported no exit 11; the SCM saw a crash.
        Files.writeString(WineCmd.onC(HOME + "\\conf\\service-jvm.options"), "");
        WineCmd.Result r = WineCmd.run(
                Map.of("KMSAGENT_JAVA_HOME", JDK, "STANDIN_EXIT_DURING_START", "1"),
                60,
                HOME + "\\bin\\kms-agent-service.exe",
                "C:\\a.yaml");

        assertThat(r.exit()).as(r.both()).isEqualTo(11);
        assertThat(r.err())
                .contains("could not start the Java runtime at " + JDK)
                .contains("the JVM ended during its start with exit code 1");
    }

    /** Starts the service host with conf\service-jvm.options holding {@code bytes}, as a console program. */
    private static WineCmd.Result startWithOptionsFile(byte[]... bytes) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (byte[] b : bytes) {
            file.write(b);
        }
        Files.write(WineCmd.onC(HOME + "\\conf\\service-jvm.options"), file.toByteArray());
        return WineCmd.run(Map.of("KMSAGENT_JAVA_HOME", JDK), 60, HOME + "\\bin\\kms-agent-service.exe", "C:\\a.yaml");
    }

    private static List<String> options(WineCmd.Result r) {
        return r.out()
                .lines()
                .filter(l -> l.startsWith("option["))
                .map(l -> l.substring(l.indexOf('=') + 1))
                .toList();
    }

    @Test
    void anOptionsFileSavedAsUtf8WithAByteOrderMarkGivesItsFirstLineAsWritten() throws IOException {
        // Notepad writes EF BB BF first: glued to the first option, it made that line one the JVM could not be given.
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        WineCmd.Result r = startWithOptionsFile(
                bom, "-Xmx96m\r\n-Dkmsagent.service.name=kms-agent-2\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(options(r)).as(r.both()).endsWith("-Xmx96m", "-Dkmsagent.service.name=kms-agent-2");
    }

    @Test
    void theShippedOptionsFileWithItsCrlfLineEndingsGivesFlagsWithoutACarriageReturnOrATab() throws IOException {
        // The file as the .zip and the MSI ship it, CRLF, with its two examples uncommented the way an editor may
        // leave them: a space, or a tab, before the CR. The stand-in JVM shows a control character as \xNN.
        String zip = "kms-agent-machine-" + System.getProperty("kmsagent.version", "0.1.0-SNAPSHOT");
        String shipped =
                ConfLineEndingsIT.zipEntry(WineCmd.TARGET.resolve(zip + ".zip"), zip + "/conf/service-jvm.options");
        assertThat(shipped).contains("\r\n# -Xmx128m\r\n", "\r\n# -Dkmsagent.service.name=kms-agent\r\n");

        WineCmd.Result asShipped = startWithOptionsFile(shipped.getBytes(StandardCharsets.UTF_8));
        assertThat(asShipped.exit()).as(asShipped.both()).isZero();
        assertThat(options(asShipped)).as(asShipped.both()).isNotEmpty().noneMatch(o -> o.contains("\\x"));

        String edited = shipped.replace("\r\n# -Xmx128m\r\n", "\r\n-Xmx128m \r\n")
                .replace("\r\n# -Dkmsagent.service.name=kms-agent\r\n", "\r\n-Dkmsagent.service.name=kms-agent\t\r\n");
        WineCmd.Result r = startWithOptionsFile(edited.getBytes(StandardCharsets.UTF_8));
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(options(r))
                .as(r.both())
                .endsWith("-Xmx128m", "-Dkmsagent.service.name=kms-agent")
                .noneMatch(o -> o.contains("\\x"));
        Files.writeString(WineCmd.onC(HOME + "\\conf\\service-jvm.options"), "");
    }

    @Test
    void anOptionsFileSavedAsUnicodeIsReadAsUtf16InEitherByteOrder() throws IOException {
        // Notepad's "Unicode" is UTF-16LE after FF FE; "Unicode big endian" UTF-16BE after FE FF.
        String text = "# overrides\r\n-Xmx80m\r\n\r\n   -Dkmsagent.service.name=kms agent 2  \r\n";
        WineCmd.Result le =
                startWithOptionsFile(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE));
        assertThat(le.exit()).as(le.both()).isZero();
        assertThat(options(le)).as(le.both()).endsWith("-Xmx80m", "-Dkmsagent.service.name=kms agent 2");

        WineCmd.Result be =
                startWithOptionsFile(new byte[] {(byte) 0xFE, (byte) 0xFF}, text.getBytes(StandardCharsets.UTF_16BE));
        assertThat(be.exit()).as(be.both()).isZero();
        assertThat(options(be)).as(be.both()).endsWith("-Xmx80m", "-Dkmsagent.service.name=kms agent 2");
    }

    @Test
    void anOptionsFileSavedAsAnsiIsReadInTheSystemCodePageAndItsCommentsStopNothing() throws IOException {
        // Notepad's default before Windows 10 1903 (Server 2019 included): "ANSI", here Windows-1252. An
        // administrator's
        // accented comment is not valid UTF-8; it must neither stop the service nor change its options.
        Charset ansi = Charset.forName("windows-1252");
        WineCmd.Result r =
                startWithOptionsFile("# m\u00e9moire port\u00e9e \u00e0 96 Mo\r\n-Xmx96m\r\n".getBytes(ansi));
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(options(r)).as(r.both()).endsWith("-Xmx96m");
    }

    @Test
    void aLineOfTheOptionsFileThatCannotBeReadFailsTheStartNamingTheLineRatherThanBeingLeftOut() throws IOException {
        // A flag silently missing (a heap size, the service's name) would be found much later than a start that fails.
        String file = HOME + "\\conf\\service-jvm.options";
        byte[] first = "# overrides\r\n-Xmx96m\r\n".getBytes(StandardCharsets.US_ASCII);
        Map<String, byte[]> lines = Map.of(
                "line 3 of " + file + " has a character that the system code page",
                "-Dkmsagent.note=\u65e5\u672c\r\n".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> line : lines.entrySet()) {
            WineCmd.Result r =
                    startWithOptionsFile(first, line.getValue(), "-Xss1m\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(r.exit()).as(r.both()).isEqualTo(11);
            assertThat(r.err())
                    .as(r.both())
                    .contains("could not start the Java runtime at " + JDK + ": " + line.getKey());
            assertThat(options(r)).as("the JVM is not started").isEmpty();
        }

        // UTF-16 without its byte-order mark (Notepad never writes one; other tools do) is refused by name rather than
        // read as UTF-8, each line cut at its first NUL.
        WineCmd.Result r = startWithOptionsFile("-Xmx96m\r\n".getBytes(StandardCharsets.UTF_16LE));
        assertThat(r.exit()).as(r.both()).isEqualTo(11);
        assertThat(r.err()).as(r.both()).contains("line 1 of " + file + " holds a NUL character");
        Files.writeString(WineCmd.onC(file), "");
    }

    @Test
    void whichJavaTakesTheMajorVersionFromTheReleaseFileAndRefusesOlderThan17() throws IOException {
        for (String version : List.of("11.0.22", "1.8.0_392", "21")) {
            String home = "C:\\Java\\release-" + version;
            Files.createDirectories(WineCmd.onC(home + "\\bin\\server"));
            Files.writeString(WineCmd.onC(home + "\\bin\\server\\jvm.dll"), "");
            WineCmd.release(home, version, version + "+7");
            WineCmd.Result r = WineCmd.run(
                    Map.of("KMSAGENT_JAVA_HOME", home), 60, HOME + "\\bin\\kms-agent-service.exe", "--which-java");
            if (version.equals("21")) {
                assertThat(r.out()).as(r.both()).contains(home + " (Java 21)");
                assertThat(r.exit()).isZero();
            } else {
                assertThat(r.out()).as(r.both()).contains("no usable Java 17+ found; looked in:", home);
                assertThat(r.exit()).isEqualTo(10);
            }
        }
    }

    @Test
    void helpPrintsTheUsageAndStartsNothing() {
        // --help was taken as a start: it looked for Java and, finding none here, printed event 1010's text (exit 10).
        for (String help : List.of("--help", "/?")) {
            WineCmd.Result r = WineCmd.run(Map.of(), 60, HOME + "\\bin\\kms-agent-service.exe", help);
            assertThat(r.exit()).as(r.both()).isZero();
            assertThat(r.out())
                    .as(r.both())
                    .startsWith("Usage: kms-agent-service.exe [--which-java]")
                    .doesNotContain("Java 17 or later runtime found");
        }
    }

    @Test
    void whichJavaPassesOverA32BitRuntimeAndSaysWhyOfEachHomeItRefused() throws IOException {
        // A 32-bit JAVA_HOME counted as usable: the service then failed with event 1011, "LoadLibrary(...) failed
        // with Win32 error 193", and never tried the 64-bit Java beside it.
        String x86 = "C:\\Program Files (x86)\\Java\\jdk-17-x86";
        String old = "C:\\Java\\jdk-11";
        runtimeAt(x86, "17.0.10");
        runtimeAt(old, "11.0.22");
        byte[] header = new byte[70];
        header[0] = 'M';
        header[1] = 'Z';
        header[60] = 64; // e_lfanew: the PE header at offset 64
        System.arraycopy(new byte[] {'P', 'E', 0, 0, 0x4C, 0x01}, 0, header, 64, 6); // IMAGE_FILE_MACHINE_I386
        Files.write(WineCmd.onC(x86 + "\\bin\\server\\jvm.dll"), header);

        WineCmd.Result r = whichJava(Map.of("KMSAGENT_JAVA_HOME", x86, "JAVA_HOME", old));
        assertThat(r.exit()).as(r.both()).isEqualTo(10);
        assertThat(r.out())
                .as(r.both())
                .contains("KMSAGENT_JAVA_HOME=" + x86 + " (a 32-bit Java, not 64-bit x64)")
                .contains("JAVA_HOME=" + old + " (Java 11)");

        header[64 + 4] = 0x64; // IMAGE_FILE_MACHINE_AMD64, 0x8664
        header[64 + 5] = (byte) 0x86;
        Files.write(WineCmd.onC(x86 + "\\bin\\server\\jvm.dll"), header);
        WineCmd.Result x64 = whichJava(Map.of("KMSAGENT_JAVA_HOME", x86));
        assertThat(x64.out()).as(x64.both()).contains(x86 + " (Java 17)");
        assertThat(x64.exit()).as(x64.both()).isZero();
    }

    /** A runtime for --which-java only: bin\\server\\jvm.dll and a release file, at {@code home} on C:. */
    private static void runtimeAt(String home, String version) throws IOException {
        Files.createDirectories(WineCmd.onC(home + "\\bin\\server"));
        Files.writeString(WineCmd.onC(home + "\\bin\\server\\jvm.dll"), "");
        WineCmd.release(home, version, version + "+7");
    }

    private static WineCmd.Result whichJava(Map<String, String> env) {
        return WineCmd.run(env, 60, HOME + "\\bin\\kms-agent-service.exe", "--which-java");
    }

    /** Runs reg.exe in the prefix (64-bit view); fails the test if it fails. */
    private static void reg(String args) {
        WineCmd.Result r = WineCmd.cmd(Map.of(), "reg.exe " + args + " /reg:64");
        assertThat(r.exit()).as("reg.exe " + args + "\n" + r.both()).isZero();
    }

    @Test
    void whichJavaFindsAJdkRegisteredOnlyByTemurinsOrMicrosoftsInstaller() throws IOException {
        // RegGetValueW was asked for RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ without RRF_NOEXPAND, which Windows (and
        // Wine, which copies it) refuses with ERROR_INVALID_PARAMETER: no registered JDK was ever found, and a
        // machine with only Temurin's or Microsoft's MSI got "no usable Java 17+ found" (exit 10).
        String temurin = "C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.10.7-hotspot";
        String microsoft = "C:\\Program Files\\Microsoft\\jdk-21.0.2.13-hotspot";
        String temurinKey = "HKLM\\SOFTWARE\\Eclipse Adoptium";
        String microsoftKey = "HKLM\\SOFTWARE\\Microsoft\\JDK";
        runtimeAt(temurin, "17.0.10");
        runtimeAt(microsoft, "21.0.2");
        try {
            reg("add \"" + temurinKey + "\\JDK\\17.0.10.7\\hotspot\\MSI\" /v Path /t REG_SZ /d \"" + temurin
                    + "\\\\\" /f");
            WineCmd.Result r = whichJava(Map.of());
            assertThat(r.out()).as(r.both()).contains(temurin + " (Java 17)");
            assertThat(r.exit()).as(r.both()).isZero();
            reg("delete \"" + temurinKey + "\" /f");

            // A REG_EXPAND_SZ value is read expanded.
            reg("add \"" + microsoftKey + "\\21.0.2.13\\hotspot\\MSI\" /v Path /t REG_EXPAND_SZ /d"
                    + " \"%%ProgramFiles%%\\Microsoft\\jdk-21.0.2.13-hotspot\\\\\" /f");
            r = whichJava(Map.of());
            assertThat(r.out()).as(r.both()).contains(microsoft + " (Java 21)");
            assertThat(r.exit()).as(r.both()).isZero();
        } finally {
            // Other tests expect no registered runtime.
            WineCmd.cmd(Map.of(), "reg.exe delete \"" + temurinKey + "\" /f /reg:64 >nul 2>&1");
            WineCmd.cmd(Map.of(), "reg.exe delete \"" + microsoftKey + "\" /f /reg:64 >nul 2>&1");
        }
    }

    @Test
    void aJavaHomeWrittenWithQuotesIsFoundAsTheLauncherFindsIt() throws IOException {
        // set JAVA_HOME="C:\Program Files\..." keeps the quotes in the value, and the MSI copies the machine's
        // %JAVA_HOME% into the service's environment as it is: kms-agent.cmd drops them, the host looked for
        // "C:\...hotspot"\bin\server\jvm.dll and found no Java.
        String jdk = "C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.10.7-hotspot";
        runtimeAt(jdk, "17.0.10");
        for (String variable : List.of("JAVA_HOME", "KMSAGENT_JAVA_HOME")) {
            for (String value : List.of("\"" + jdk + "\"", "\"" + jdk + "\\\"", "\"" + jdk + "\\\\\"")) {
                WineCmd.Result r = whichJava(Map.of(variable, value));
                assertThat(r.out()).as(variable + "=" + value + "\n" + r.both()).contains(jdk + " (Java 17)");
                assertThat(r.exit()).as(r.both()).isZero();
            }
        }
    }
}
