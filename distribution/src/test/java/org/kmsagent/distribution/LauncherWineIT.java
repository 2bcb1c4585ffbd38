package org.kmsagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bin\kms-agent.cmd as shipped (target/kms-agent/bin), run by Wine's cmd.exe with a stand-in java.exe that
 * reports a chosen version and otherwise echoes its arguments (src/test/c/java-standin.c).
 */
class LauncherWineIT {
    static final String HOME = "C:\\Program Files\\kms-agent";
    static final String PLAIN_HOME = "C:\\kms\\agent";
    static final String JDK17 = "C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.2.8-hotspot";
    static final String JDK21 = "C:\\Java\\jdk-21";
    static final String JDK25 = "C:\\Java\\jdk-25.0.1";
    static final String JDK11 = "C:\\Program Files (x86)\\Java\\jdk-11";
    static final String JRE8 = "C:\\Program Files\\Java\\jre1.8.0_402";
    static final String NO_VERSION = "C:\\Java\\broken";
    static final String EMPTY = "C:\\Java\\empty";
    /** A Java 11 in a folder whose name has an ampersand, which an unquoted echo reads as two commands. */
    static final String JDK11_AMPERSAND = "C:\\R&D\\jdk-11";
    /** A runtime with a release file, in a folder whose name has parentheses; its java.exe would report 11. */
    static final String JDK17_RELEASE = "C:\\Program Files (x86)\\Java\\jdk-17.0.9";
    /** The same runtime built without its base class-data archive (bin\\server\\classes.jsa). */
    static final String JDK17_NO_BASE_ARCHIVE = "C:\\Java\\jdk-17.0.9-nocds";
    /** An installation of its own for the class-data archive's files, also under a name with parentheses. */
    static final String ARCHIVE_HOME = "C:\\Program Files (x86)\\kms-agent";
    /** Oracle's folder of links to java.exe, first on PATH after its installer ran; the links lead to JDK17_RELEASE. */
    static final String JAVAPATH = "C:\\Program Files\\Common Files\\Oracle\\Java\\javapath";

    @BeforeAll
    static void layout() throws Exception {
        WineCmd.ensurePrefix();
        WineCmd.installation(HOME);
        WineCmd.installation(PLAIN_HOME);
        WineCmd.javaHome(JDK17, "17.0.2");
        WineCmd.javaHome(JDK21, "21"); // a GA release reports just "21"
        WineCmd.javaHome(JDK25, "25.0.1");
        WineCmd.javaHome(JDK11, "11.0.22");
        WineCmd.javaHome(JDK11_AMPERSAND, "11.0.22");
        WineCmd.javaHome(JRE8, "1.8.0_402");
        WineCmd.javaHome(NO_VERSION, null);
        // The launcher reads the release file, not java -version: this stand-in would say 11 if it were asked.
        WineCmd.javaHome(JDK17_RELEASE, "11.0.22");
        WineCmd.release(JDK17_RELEASE, "17.0.9", "17.0.9+9");
        java.nio.file.Files.writeString(
                WineCmd.onC(JDK17_RELEASE + "\\bin\\server\\classes.jsa"), "the runtime's base archive");
        WineCmd.javaHome(JDK17_NO_BASE_ARCHIVE, "17.0.9");
        WineCmd.release(JDK17_NO_BASE_ARCHIVE, "17.0.9", "17.0.9+9");
        WineCmd.installation(ARCHIVE_HOME);
        WineCmd.javaLinks(JAVAPATH, JDK17_RELEASE, "17.0.9");
        java.nio.file.Files.createDirectories(WineCmd.onC(EMPTY));
    }

    /** Runs {@code "<home>\\bin\\kms-agent.cmd" <args>} as typed at a prompt. */
    private static WineCmd.Result launch(String home, Map<String, String> env, String args) {
        return WineCmd.cmd(env, "\"" + home + "\\bin\\kms-agent.cmd\" " + args);
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The stand-in's output as the list of arguments java.exe received. */
    private static List<String> args(WineCmd.Result r) {
        return r.out()
                .lines()
                .filter(l -> l.startsWith("arg["))
                .map(l -> l.substring(l.indexOf('=') + 1))
                .toList();
    }

    private static String standIn(WineCmd.Result r) {
        return r.out().lines().filter(l -> l.startsWith("standin=")).findFirst().orElse("(java.exe not started)");
    }

    @Test
    void noJavaAnywhereIsRefusedWithWhatToInstall() {
        WineCmd.Result r = launch(HOME, env(), "status");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err())
                .as(r.both())
                .contains("kms-agent: no Java runtime found. Install Java 17 or newer, or set JAVA_HOME.");
        // Each line ends where its text does: `echo ... 1>&2` wrote the space before the redirection too.
        assertThat(r.err().lines()).as(r.both()).noneMatch(line -> line.endsWith(" "));
        assertThat(r.out()).isEmpty();
    }

    @Test
    void java11InJavaHomeUnderProgramFilesX86IsRefusedByPathAndVersion() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK11), "status");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err())
                .as(r.both())
                .contains("kms-agent: Java 17 or newer is needed; " + JDK11 + "\\bin\\java.exe is version 11.0.22.");
        assertThat(r.err()).doesNotContain("Syntax error").doesNotContain("Can't recognize");
    }

    @Test
    void java8OnPathIsRefusedAsVersion8() {
        WineCmd.Result r = launch(HOME, env("WINEPATH", JRE8 + "\\bin"), "status");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err()).as(r.both()).contains("is version 1.8.0_402.");
    }

    @Test
    void aJavaThatReportsNoVersionIsRefused() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", NO_VERSION), "status");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err())
                .as(r.both())
                .contains("Java 17 or newer is needed; " + NO_VERSION + "\\bin\\java.exe is version unknown.");
    }

    @Test
    void theWindowsServiceStartsItsJvmWithTheFlagsTheLauncherGivesRun() throws Exception {
        // The service host (kms-agent-service.exe, C) starts the JVM itself, without the launcher: what runs as the
        // Windows service must be the same small agent as `kms-agent run`.
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17), "run");
        assertThat(r.exit()).as(r.both()).isZero();
        List<String> runFlags = args(r).stream().filter(a -> a.startsWith("-X")).toList();
        assertThat(runFlags).contains("-Xmx64m", "-XX:TieredStopAtLevel=1");
        java.nio.file.Path host =
                java.nio.file.Path.of("..", "agent", "windows-service", "src", "main", "c", "kms-agent-service.c");
        String source = java.nio.file.Files.readString(host);
        String defaults = source.substring(
                source.indexOf("DEFAULT_FLAGS[] = {"), source.indexOf("};", source.indexOf("DEFAULT_FLAGS[] = {")));
        List<String> serviceFlags = java.util.regex.Pattern.compile("\"(-X[^\"]*)\"")
                .matcher(defaults)
                .results()
                .map(m -> m.group(1))
                .toList();
        assertThat(serviceFlags).containsExactlyInAnyOrderElementsOf(runFlags);
    }

    @Test
    void java17InJavaHomeWithSpacesRunsTheAgentWithTheSmallHeapFlags() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17), "run --config \"C:\\My Configs\\agent.yaml\"");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(r.err()).as(r.both()).isEmpty();
        assertThat(standIn(r)).isEqualTo("standin=" + JDK17 + "\\bin\\java.exe");
        assertThat(args(r))
                .containsExactly(
                        "-XX:+UseSerialGC",
                        "-XX:-UsePerfData",
                        "-Xss512k",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:Tier3InvocationThreshold=2000",
                        "-XX:Tier3MinInvocationThreshold=1000",
                        "-XX:Tier3CompileThreshold=20000",
                        "-XX:Tier3BackEdgeThreshold=600000",
                        "-Xms8m",
                        "-Xmx64m",
                        "-XX:ReservedCodeCacheSize=16m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dkmsagent.home=" + HOME,
                        "-cp",
                        HOME + "\\lib\\*",
                        "org.kmsagent.agent.cli.Main",
                        "run",
                        "--config",
                        "C:\\My Configs\\agent.yaml");
    }

    @Test
    void java21OnPathWithoutJavaHomeRunsOtherCommandsWithDefaultHeapAndC1Only() {
        WineCmd.Result r = launch(PLAIN_HOME, env("WINEPATH", JDK21 + "\\bin"), "status --json");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(standIn(r)).isEqualTo("standin=" + JDK21 + "\\bin\\java.exe");
        assertThat(args(r))
                .containsExactly(
                        "-XX:+UseSerialGC",
                        "-XX:-UsePerfData",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:Tier3InvocationThreshold=2000",
                        "-XX:Tier3MinInvocationThreshold=1000",
                        "-XX:Tier3CompileThreshold=20000",
                        "-XX:Tier3BackEdgeThreshold=600000",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dkmsagent.home=" + PLAIN_HOME,
                        "-cp",
                        PLAIN_HOME + "\\lib\\*",
                        "org.kmsagent.agent.cli.Main",
                        "status",
                        "--json");
    }

    @Test
    void java25IsToldToAllowGuavasUnsafeCallsQuietly() {
        WineCmd.Result r = launch(PLAIN_HOME, env("JAVA_HOME", JDK25), "status");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(args(r))
                .containsSubsequence(
                        "-XX:-UsePerfData",
                        "--sun-misc-unsafe-memory-access=allow",
                        "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void javaHomeWinsOverPath() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17, "WINEPATH", JDK11 + "\\bin"), "version");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(standIn(r)).isEqualTo("standin=" + JDK17 + "\\bin\\java.exe");
    }

    @Test
    void aJavaHomeWithoutJavaExeIsRefusedNamingItRatherThanSkippedForPath() {
        // Whoever set JAVA_HOME meant that runtime: java.exe on PATH is not taken behind their back.
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", EMPTY, "WINEPATH", JDK21 + "\\bin"), "version");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err())
                .as(r.both())
                .contains("kms-agent: JAVA_HOME is set to " + EMPTY + ", but " + EMPTY
                        + "\\bin\\java.exe does not exist.")
                .contains("or clear it (set JAVA_HOME=) to use java.exe on PATH.")
                .doesNotContain("no Java runtime found");
        assertThat(standIn(r)).isEqualTo("(java.exe not started)");
    }

    @Test
    void aJavaHomeWrittenWithQuotesIsUsedWithoutThem() {
        // set JAVA_HOME="C:\Program Files\..." keeps the quotes in the value; a path with (x86) too.
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", "\"" + JDK17 + "\""), "version");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(standIn(r)).isEqualTo("standin=" + JDK17 + "\\bin\\java.exe");

        WineCmd.Result old = launch(HOME, env("JAVA_HOME", "\"" + JDK11 + "\""), "status");
        assertThat(old.exit()).as(old.both()).isEqualTo(1);
        assertThat(old.err())
                .as(old.both())
                .contains("kms-agent: Java 17 or newer is needed; " + JDK11 + "\\bin\\java.exe is version 11.0.22.");
    }

    @Test
    void kmsAgentJavaOptsWithCmdsSpecialCharactersReachJavaAsWritten() {
        // | & < > would be a pipe and redirections on the command line; before, the line broke with exit 49. A ! in
        // the flags is not tried here: Wine's cmd scans a delayed-expanded value for ! again, Windows' does not.
        WineCmd.Result r = launch(
                HOME,
                env(
                        "JAVA_HOME",
                        JDK17,
                        "KMSAGENT_JAVA_OPTS",
                        "-Dhttp.nonProxyHosts=localhost|*.corp -Dkmsagent.a=x&y \"-Dkmsagent.b=<in> out\""),
                "run --config \"C:\\My Configs\\agent.yaml\" \"a&b\"");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(standIn(r)).isEqualTo("standin=" + JDK17 + "\\bin\\java.exe");
        assertThat(args(r))
                .containsSubsequence("-Xmx64m", "--enable-native-access=ALL-UNNAMED")
                .endsWith(
                        "-Dkmsagent.home=" + HOME,
                        "-Dhttp.nonProxyHosts=localhost|*.corp",
                        "-Dkmsagent.a=x&y",
                        "-Dkmsagent.b=<in> out",
                        "-cp",
                        HOME + "\\lib\\*",
                        "org.kmsagent.agent.cli.Main",
                        "run",
                        "--config",
                        "C:\\My Configs\\agent.yaml",
                        "a&b");
    }

    @Test
    void argumentsWithExclamationMarksAreKept() {
        // Delayed expansion, which would drop them, is on only for a launch with KMSAGENT_JAVA_OPTS.
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17), "ctl \"hello! there\" wor!ld!");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(args(r)).endsWith("org.kmsagent.agent.cli.Main", "ctl", "hello! there", "wor!ld!");
    }

    @Test
    void hubGetsTheFlagsHazelcastAsksFor() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17), "hub");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(args(r))
                .containsSubsequence(
                        "--add-modules",
                        "java.se",
                        "--add-exports",
                        "java.base/jdk.internal.ref=ALL-UNNAMED",
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "--add-opens",
                        "java.base/sun.nio.ch=ALL-UNNAMED",
                        "--add-opens",
                        "java.management/sun.management=ALL-UNNAMED",
                        "--add-opens",
                        "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                        "org.kmsagent.agent.cli.Main",
                        "hub");
        assertThat(args(r))
                .doesNotContain("-Xmx64m", "-XX:+UseSerialGC")
                .startsWith("-XX:+UseParallelGC", "-XX:MaxGCPauseMillis=250");
    }

    @Test
    void benchGetsHazelcastsFlagsTooForTheHubsItRuns() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17), "bench --only fleet-10k");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(args(r))
                .containsSubsequence(
                        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "org.kmsagent.agent.cli.Main", "bench")
                .doesNotContain("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .startsWith("-XX:+UseParallelGC", "-XX:MaxGCPauseMillis=250");
    }

    @Test
    void simulateGetsTheSerialCollector() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17), "simulate --clients 30");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(args(r))
                .startsWith("-XX:+UseSerialGC", "-XX:-UsePerfData")
                .doesNotContain(
                        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseTransparentHugePages", "-XX:+UseParallelGC")
                .endsWith("org.kmsagent.agent.cli.Main", "simulate", "--clients", "30");
    }

    @Test
    void kmsAgentJavaOptsComeAfterTheDefaultsSoTheyOverrideThem() {
        WineCmd.Result r = launch(
                HOME, env("JAVA_HOME", JDK17, "KMSAGENT_JAVA_OPTS", "-Xmx256m \"-Dkmsagent.note=two words\""), "run");
        assertThat(r.exit()).as(r.both()).isZero();
        List<String> a = args(r);
        assertThat(a).contains("-Xmx256m", "-Dkmsagent.note=two words");
        assertThat(a.indexOf("-Xmx256m")).isGreaterThan(a.indexOf("-Xmx64m"));
        assertThat(a.indexOf("-Dkmsagent.note=two words")).isLessThan(a.indexOf("org.kmsagent.agent.cli.Main"));
    }

    @Test
    void theExitCodeOfJavaIsTheLaunchersAndArgumentsKeepTheirSpaces() {
        WineCmd.Result r = launch(HOME, env("JAVA_HOME", JDK17), "ctl \"a b\" --standin-exit=3");
        assertThat(r.exit()).as(r.both()).isEqualTo(3);
        assertThat(args(r)).endsWith("ctl", "a b", "--standin-exit=3");
    }

    @Test
    void theVersionComesFromTheRuntimesReleaseFileWithoutAskingJava() {
        // java -version would be a JVM start of its own before every command; the stand-in here would answer 11.
        WineCmd.Result r = launch(PLAIN_HOME, env("JAVA_HOME", JDK17_RELEASE), "status");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(standIn(r)).isEqualTo("standin=" + JDK17_RELEASE + "\\bin\\java.exe");
        assertThat(args(r)).contains("-XX:TieredStopAtLevel=1").noneMatch(a -> a.contains("SharedArchiveFile"));
    }

    @Test
    void javaOnPathInOraclesJavapathFolderIsReadFromTheHomeTheRuntimeReports() {
        // The folder above javapath has no release file: the runtime's full version, and so the class-data archive,
        // come from the home its java.exe reports. java.exe itself is still the one on PATH.
        WineCmd.Result r = launch(PLAIN_HOME, env("WINEPATH", JAVAPATH), "run");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(standIn(r)).isEqualTo("standin=" + JAVAPATH + "\\java.exe");
        assertThat(args(r))
                .contains(
                        "-Xmx64m",
                        "-XX:ArchiveClassesAtExit=" + PLAIN_HOME + "\\lib\\kms-agent-run-17.0.9+9.jsa.pending");
    }

    @Test
    void theFirstRealRunMakesAClassDataArchiveNamedAfterTheRuntimeAndLaterCommandsReadIt() throws Exception {
        java.nio.file.Path lib = WineCmd.onC(ARCHIVE_HOME).resolve("lib");
        String archive = ARCHIVE_HOME + "\\lib\\kms-agent-run-17.0.9+9.jsa";
        java.nio.file.Path made = lib.resolve("kms-agent-run-17.0.9+9.jsa");
        java.nio.file.Path pending = lib.resolve("kms-agent-run-17.0.9+9.jsa.pending");
        java.nio.file.Path real = lib.resolve("kms-agent-run-17.0.9+9.jsa.pending.real");
        java.nio.file.Path older = lib.resolve("kms-agent-run-17.0.2+8.jsa");
        Map<String, String> env = env("JAVA_HOME", JDK17_RELEASE);
        for (java.nio.file.Path f : jsaFiles(lib)) {
            java.nio.file.Files.delete(f); // from an earlier run of this test in the same target folder
        }

        // run --help and the short commands make none: an archive of the few classes they load would slow every run.
        for (String asks : List.of("--help", "-h", "--version", "-V")) {
            assertThat(args(launch(ARCHIVE_HOME, env, "run --config x.yaml " + asks)))
                    .noneMatch(a -> a.contains("Archive"))
                    .endsWith("run", "--config", "x.yaml", asks);
        }
        assertThat(args(launch(ARCHIVE_HOME, env, "status"))).noneMatch(a -> a.contains("Archive"));

        // A real run writes a pending archive at exit, and the agent marks it real once it has started.
        WineCmd.Result first = launch(ARCHIVE_HOME, env, "run --config \"C:\\My Configs (x86)\\agent.yaml\"");
        assertThat(first.exit()).as(first.both()).isZero();
        assertThat(args(first))
                .containsSubsequence(
                        "-XX:ArchiveClassesAtExit=" + archive + ".pending",
                        "-Dkmsagent.cds.pending=" + archive + ".pending",
                        "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off",
                        "org.kmsagent.agent.cli.Main",
                        "run",
                        "--config",
                        "C:\\My Configs (x86)\\agent.yaml");
        assertThat(jsaFiles(lib)).isEmpty();

        // One the agent did not mark (a refused configuration) is thrown away and the next run tries again.
        java.nio.file.Files.writeString(pending, "partial");
        assertThat(args(launch(ARCHIVE_HOME, env, "run"))).contains("-XX:ArchiveClassesAtExit=" + archive + ".pending");
        assertThat(pending).doesNotExist();
        // Also when read-only, as Java 17 and 21 write it (mode 0444): del leaves such a file where it is.
        java.nio.file.Files.writeString(pending, "partial");
        java.nio.file.Files.setPosixFilePermissions(
                pending, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        assertThat(args(launch(ARCHIVE_HOME, env, "run"))).contains("-XX:ArchiveClassesAtExit=" + archive + ".pending");
        assertThat(pending).doesNotExist();

        // One the agent marked but the JVM left empty (ended as it began to dump) is not kept either.
        java.nio.file.Files.write(pending, new byte[0]);
        java.nio.file.Files.writeString(real, "");
        assertThat(args(launch(ARCHIVE_HOME, env, "run")))
                .contains("-XX:ArchiveClassesAtExit=" + archive + ".pending")
                .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
        assertThat(made).doesNotExist();
        assertThat(pending).doesNotExist();
        assertThat(real).doesNotExist();

        // One it marked becomes the archive; an older runtime's is deleted.
        java.nio.file.Files.writeString(pending, "archive");
        java.nio.file.Files.writeString(real, "");
        java.nio.file.Files.writeString(older, "older runtime");
        java.nio.file.Files.setPosixFilePermissions(
                older, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        WineCmd.Result next = launch(ARCHIVE_HOME, env, "run");
        assertThat(args(next))
                .contains("-XX:SharedArchiveFile=" + archive)
                .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
        assertThat(made).hasContent("archive");
        assertThat(pending).doesNotExist();
        assertThat(real).doesNotExist();
        assertThat(older).doesNotExist();

        assertThat(args(launch(ARCHIVE_HOME, env, "status --json")))
                .containsSubsequence(
                        "-XX:TieredStopAtLevel=1",
                        "-XX:SharedArchiveFile=" + archive,
                        "org.kmsagent.agent.cli.Main",
                        "status");
        // hub, simulate and bench load other classes and keep the JVM's default compilers.
        assertThat(args(launch(ARCHIVE_HOME, env, "hub"))).noneMatch(a -> a.contains("Archive"));
    }

    @Test
    void anInstallationFolderWithAnAmpersandGetsItsClassDataArchiveFlagsWhole() throws Exception {
        // The archive's flags were added as set "FLAGS=%FLAGS% "-XX:...=%ARCHIVE%.pending" ...": the inner quotes ended
        // the outer ones, so the path stood outside quotes and C:\R&D\kms-agent split the line at the &.
        String home = "C:\\R&D\\kms-agent";
        WineCmd.installation(home);
        java.nio.file.Path lib = WineCmd.onC(home).resolve("lib");
        for (java.nio.file.Path f : jsaFiles(lib)) {
            java.nio.file.Files.delete(f); // from an earlier run of this test in the same target folder
        }
        String archive = home + "\\lib\\kms-agent-run-17.0.9+9.jsa";
        Map<String, String> env = env("JAVA_HOME", JDK17_RELEASE);
        WineCmd.Result first = launch(home, env, "run");
        assertThat(first.exit()).as(first.both()).isZero();
        assertThat(first.both()).as(first.both()).doesNotContain("recognize");
        assertThat(args(first))
                .as(first.both())
                .contains(
                        "-XX:ArchiveClassesAtExit=" + archive + ".pending",
                        "-Dkmsagent.cds.pending=" + archive + ".pending",
                        "-Dkmsagent.home=" + home);

        java.nio.file.Files.writeString(lib.resolve("kms-agent-run-17.0.9+9.jsa"), "archive");
        WineCmd.Result next = launch(home, env, "status");
        assertThat(next.exit()).as(next.both()).isZero();
        assertThat(next.both()).as(next.both()).doesNotContain("recognize");
        assertThat(args(next)).as(next.both()).contains("-XX:SharedArchiveFile=" + archive);
        for (java.nio.file.Path f : jsaFiles(lib)) {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void aRunThatCouldNotLoadTheRuntimesBaseArchiveMakesNone() {
        // Java 17 would refuse to start at all with ArchiveClassesAtExit: without classes.jsa, or under -Xshare:off,
        // which KMSAGENT_JAVA_OPTS or the variables java.exe reads may hold (the launcher does not look inside them: a
        // run with any of them makes none).
        WineCmd.Result without = launch(PLAIN_HOME, env("JAVA_HOME", JDK17_NO_BASE_ARCHIVE), "run");
        assertThat(without.exit()).as(without.both()).isZero();
        assertThat(args(without)).contains("-Xmx64m").noneMatch(a -> a.contains("Archive"));

        WineCmd.Result off =
                launch(PLAIN_HOME, env("JAVA_HOME", JDK17_RELEASE, "KMSAGENT_JAVA_OPTS", "-Xmx70m -Xshare:off"), "run");
        assertThat(off.exit()).as(off.both()).isZero();
        assertThat(args(off)).contains("-Xshare:off", "-Xmx70m").noneMatch(a -> a.contains("Archive"));
        for (String javaReads : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
            assertThat(args(launch(PLAIN_HOME, env("JAVA_HOME", JDK17_RELEASE, javaReads, "-Xshare:off"), "run")))
                    .as(javaReads)
                    .contains("-Xmx64m")
                    .noneMatch(a -> a.contains("Archive"));
        }

        // The same runtime with its base archive, without KMSAGENT_JAVA_OPTS: the run makes one.
        assertThat(args(launch(PLAIN_HOME, env("JAVA_HOME", JDK17_RELEASE), "run")))
                .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + PLAIN_HOME));
    }

    private static List<java.nio.file.Path> jsaFiles(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(".jsa"))
                    .toList();
        }
    }

    @Test
    void cmdsSpecialCharactersInJavaHomeComeOutWholeInTheErrorMessages() {
        // The error lines echoed %JAVA_HOME% unquoted: with C:\R&D\nojdk the message stopped at "C:\R" and cmd ran
        // "D\nojdk, but ..." as a command of its own; | and ^ broke them too.
        for (String missing : List.of("C:\\R&D\\nojdk", "C:\\a|b^c&d\\nojdk")) {
            WineCmd.Result r = launch(HOME, env("JAVA_HOME", missing), "status");
            assertThat(r.exit()).as(r.both()).isEqualTo(1);
            assertThat(r.err())
                    .as(r.both())
                    .contains("kms-agent: JAVA_HOME is set to " + missing + ", but " + missing
                            + "\\bin\\java.exe does not exist. Set it to a Java 17 or newer installation, or clear it"
                            + " (set JAVA_HOME=) to use java.exe on PATH.")
                    .doesNotContain("recognize");
        }
        WineCmd.Result old = launch(HOME, env("JAVA_HOME", JDK11_AMPERSAND), "status");
        assertThat(old.exit()).as(old.both()).isEqualTo(1);
        assertThat(old.err())
                .as(old.both())
                .contains("kms-agent: Java 17 or newer is needed; " + JDK11_AMPERSAND
                        + "\\bin\\java.exe is version 11.0.22.")
                .doesNotContain("recognize");
    }
}
