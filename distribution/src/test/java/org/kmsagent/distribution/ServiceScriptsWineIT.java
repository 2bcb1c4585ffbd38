package org.kmsagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * install-service.cmd and uninstall-service.cmd (bin/) as shipped, under Wine's cmd.exe, sc.exe and reg.exe: the
 * service they make is read back from the registry of the Wine prefix. Nothing is started: the service host
 * bin\kms-agent-service.exe is an empty placeholder here.
 */
class ServiceScriptsWineIT {
    static final String HOME = "C:\\Program Files\\kms-agent";
    static final String JDK17 = "C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.2.8-hotspot";
    static final String JDK11 = "C:\\Program Files (x86)\\Java\\jdk-11";
    static final String EMPTY = "C:\\Java\\empty";
    /** A Java 11 in a folder whose name has an ampersand, which an unquoted echo reads as two commands. */
    static final String JDK11_AMPERSAND = "C:\\R&D\\jdk-11";
    /** Oracle's folder of links to java.exe, first on PATH after its installer ran; the links lead to JDK17. */
    static final String JAVAPATH = "C:\\Program Files\\Common Files\\Oracle\\Java\\javapath";
    /** A runtime whose java.exe reports no java.home. */
    static final String NO_HOME = "C:\\Java\\jdk-17-nohome";

    static final String SERVICE_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\kms-agent";
    /** Where the service's data goes, as the MSI's: never under the installation folder, which Users can read. */
    static final String KMSDATA = "C:\\ProgramData\\kms-agent";

    static final String DATA_DIR_ENTRY = "\\0KMSAGENT_DATA_DIR=" + KMSDATA + "\\data\\0";

    @BeforeAll
    static void layout() throws Exception {
        WineCmd.ensurePrefix();
        WineCmd.installation(HOME);
        WineCmd.javaHome(JDK17, "17.0.2");
        WineCmd.javaHome(JDK11, "11.0.22");
        WineCmd.javaHome(JDK11_AMPERSAND, "11.0.22");
        WineCmd.javaLinks(JAVAPATH, JDK17, "17.0.2");
        WineCmd.javaHome(NO_HOME, "17.0.2");
        Files.writeString(WineCmd.onC(NO_HOME + "\\bin\\java-home.txt"), "");
        Files.createDirectories(WineCmd.onC(EMPTY));
        // Placeholder for the service host another part of the build makes; sc.exe create does not open it.
        var exe = WineCmd.onC(HOME + "\\bin\\kms-agent-service.exe");
        if (!Files.exists(exe)) {
            Files.createFile(exe);
        }
    }

    @BeforeEach
    void noService() {
        WineCmd.cmd(Map.of(), "sc.exe delete kms-agent >nul 2>&1");
    }

    private static WineCmd.Result script(String name, Map<String, String> env, String args) {
        return WineCmd.cmd(env, "\"" + HOME + "\\bin\\" + name + "\" " + args);
    }

    private static String serviceKey() {
        return WineCmd.cmd(Map.of(), "reg.exe query \"" + SERVICE_KEY + "\"").out();
    }

    @Test
    void installsTheServiceHostAsAnAutomaticLocalSystemServiceWithItsEnvironment() {
        WineCmd.Result r = script("install-service.cmd", Map.of("JAVA_HOME", JDK17), "");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(r.out())
                .contains("Installed the service kms-agent (configuration " + HOME
                        + "\\conf\\agent.yaml, Java 17.0.2 in " + JDK17 + ")");
        String key = serviceKey();
        assertThat(key)
                .as(key)
                .containsPattern(
                        "ImagePath\\s+REG_SZ\\s+\"C:\\\\Program Files\\\\kms-agent\\\\bin\\\\kms-agent-service\\.exe\"")
                .containsPattern("Start\\s+REG_DWORD\\s+0x2")
                .containsPattern("ObjectName\\s+REG_SZ\\s+LocalSystem")
                .containsPattern("DisplayName\\s+REG_SZ\\s+kms-agent")
                .contains("Keeps volume-licensed Windows and Office activated")
                .contains("KMSAGENT_CONFIG=" + HOME + "\\conf\\agent.yaml" + DATA_DIR_ENTRY + "JAVA_HOME=" + JDK17);

        WineCmd.Result again = script("install-service.cmd", Map.of("JAVA_HOME", JDK17), "");
        assertThat(again.exit()).as(again.both()).isEqualTo(1);
        assertThat(again.err()).contains("already installed; remove it first with uninstall-service.cmd");

        WineCmd.Result removed = script("uninstall-service.cmd", Map.of(), "");
        assertThat(removed.exit()).as(removed.both()).isZero();
        assertThat(removed.out()).contains("Removed the service kms-agent.");
        assertThat(WineCmd.cmd(Map.of(), "sc.exe query kms-agent").exit()).isNotZero();
    }

    @Test
    void aConfigurationGivenRelativeIsStoredAbsoluteAndJavaOnPathGivesTheHome() {
        WineCmd.Result r = WineCmd.cmd(
                Map.of("WINEPATH", JDK17 + "\\bin"),
                "cd /d \"" + HOME + "\" && bin\\install-service.cmd conf\\agent.yaml");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(serviceKey())
                .contains("KMSAGENT_CONFIG=" + HOME + "\\conf\\agent.yaml" + DATA_DIR_ENTRY + "JAVA_HOME=" + JDK17);
    }

    @Test
    void theServiceKeepsItsDataInProgramDataLockedToSystemAndAdministratorsNotInTheInstallation() {
        // The shipped agent.yaml says dataDir: data, which the service (working folder: the installation) would put
        // in C:\Program Files\kms-agent\data, readable by every local user, admin.token and the bridge's TLS key
        // with it. Wine's icacls.exe is a stub that changes no access list; its fixme trace shows the command line
        // it was given, which is what this test can check. Whether Windows applies it is icacls' own business.
        WineCmd.Result r =
                script("install-service.cmd", Map.of("JAVA_HOME", JDK17, "WINEDEBUG", "-all,fixme+icacls"), "");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(r.out())
                .contains("Its data folder is " + KMSDATA + "\\data (KMSAGENT_DATA_DIR, which overrides dataDir of"
                        + " the configuration); " + KMSDATA + " is readable by SYSTEM and Administrators only.");
        assertThat(serviceKey()).contains(DATA_DIR_ENTRY);
        assertThat(Files.isDirectory(WineCmd.onC(KMSDATA))).isTrue();
        assertThat(r.err())
                .as(r.both())
                .contains(
                        "fixme:icacls:main stub: \"icacls.exe\" \"" + KMSDATA.replace("\\", "\\\\")
                                + "\" \"/inheritance:r\" \"/grant:r\" \"*S-1-5-18:(OI)(CI)F\" \"*S-1-5-32-544:(OI)(CI)F\" \"/Q\"");
    }

    @Test
    void javaOnPathInOraclesJavapathFolderGivesTheHomeTheRuntimeReports() {
        // The folder above javapath holds no bin\server\jvm.dll: the install was refused, with a good JDK installed.
        WineCmd.Result r = script("install-service.cmd", Map.of("WINEPATH", JAVAPATH), "");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(r.out()).as(r.both()).contains("Java 17.0.2 in " + JDK17 + ")");
        assertThat(serviceKey()).contains("\\0JAVA_HOME=" + JDK17);
    }

    @Test
    void aRuntimeThatReportsNoHomeIsTakenFromTheFolderAboveItsJavaExe() {
        WineCmd.Result r = script("install-service.cmd", Map.of("WINEPATH", NO_HOME + "\\bin"), "");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(serviceKey()).contains("\\0JAVA_HOME=" + NO_HOME);
    }

    @Test
    void refusesJava11AndNamesIt() {
        WineCmd.Result r = script("install-service.cmd", Map.of("JAVA_HOME", JDK11), "");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err()).contains("Java 17 or newer is needed; " + JDK11 + "\\bin\\java.exe is version 11.0.22.");
        assertThat(WineCmd.cmd(Map.of(), "sc.exe query kms-agent").exit()).isNotZero();
    }

    @Test
    void aJavaHomeWithoutJavaExeIsRefusedNamingItRatherThanSkippedForPath() {
        // As bin\kms-agent.cmd: whoever set JAVA_HOME meant that runtime, so the service is not given the one on PATH.
        WineCmd.Result r = script("install-service.cmd", Map.of("JAVA_HOME", EMPTY, "WINEPATH", JDK17 + "\\bin"), "");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err())
                .as(r.both())
                .contains("install-service: JAVA_HOME is set to " + EMPTY + ", but " + EMPTY
                        + "\\bin\\java.exe does not exist.")
                .contains("or clear it (set JAVA_HOME=) to use java.exe on PATH.");
        assertThat(WineCmd.cmd(Map.of(), "sc.exe query kms-agent").exit()).isNotZero();
    }

    @Test
    void aJavaHomeWrittenWithQuotesIsUsedWithoutThem() {
        // set JAVA_HOME="C:\Program Files\..." keeps the quotes in the value, as bin\kms-agent.cmd allows.
        WineCmd.Result r = script("install-service.cmd", Map.of("JAVA_HOME", "\"" + JDK17 + "\""), "");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(serviceKey()).contains("JAVA_HOME=" + JDK17);
    }

    @Test
    void refusesWithoutJava() {
        WineCmd.Result r = script("install-service.cmd", Map.of(), "");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err()).contains("no Java runtime found. Install a 64-bit Java 17 or newer, or set JAVA_HOME.");
    }

    @Test
    void refusesAMissingConfiguration() {
        WineCmd.Result r = script("install-service.cmd", Map.of("JAVA_HOME", JDK17), "\"C:\\No Such\\agent.yaml\"");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err()).contains("configuration file C:\\No Such\\agent.yaml not found.");
    }

    @Test
    void uninstallWithoutAServiceSaysSo() {
        WineCmd.Result r = script("uninstall-service.cmd", Map.of(), "");
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err()).contains("there is no service kms-agent.");
    }

    @Test
    void anInstallationFolderWithAnAmpersandGivesTheServiceTheWholeQuotedPath() throws Exception {
        // sc.exe create ... binPath= "\"%SERVICE%\"": cmd takes no backslash escape, so \" closed its quotes and
        // %SERVICE% stood outside them; C:\R&D\kms-agent split the line at the &, and sc.exe got binPath= "\"C:\R.
        String home = "C:\\R&D\\kms-agent";
        WineCmd.installation(home);
        Path exe = WineCmd.onC(home + "\\bin\\kms-agent-service.exe");
        if (!Files.exists(exe)) {
            Files.createFile(exe);
        }
        String service = home + "\\bin\\kms-agent-service.exe";
        WineCmd.Result r = WineCmd.cmd(Map.of("JAVA_HOME", JDK17), "\"" + home + "\\bin\\install-service.cmd\"");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(r.both()).as(r.both()).doesNotContain("recognize");
        assertThat(r.out())
                .as(r.both())
                .contains("Installed the service kms-agent (configuration " + home
                        + "\\conf\\agent.yaml, Java 17.0.2 in " + JDK17 + ").");
        String key = serviceKey();
        assertThat(key)
                .as(key)
                .containsPattern("(?m)ImagePath\\s+REG_SZ\\s+" + Pattern.quote("\"" + service + "\"") + "\\s*$")
                .contains("KMSAGENT_CONFIG=" + home + "\\conf\\agent.yaml" + DATA_DIR_ENTRY + "JAVA_HOME=" + JDK17);
        String source = WineCmd.cmd(
                        Map.of(),
                        "reg.exe query \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\kms-agent\"")
                .out();
        assertThat(source).as(source).containsPattern("EventMessageFile\\s+REG_EXPAND_SZ\\s+" + Pattern.quote(service));

        WineCmd.Result removed = WineCmd.cmd(Map.of(), "\"" + home + "\\bin\\uninstall-service.cmd\"");
        assertThat(removed.exit()).as(removed.both()).isZero();
        assertThat(removed.out()).contains("Removed the service kms-agent.");
    }

    @Test
    void cmdsSpecialCharactersInAPathComeOutWholeInTheMessages() throws Exception {
        // The messages echoed the paths unquoted: with C:\R&D\nojdk a line stopped at "C:\R" and cmd ran the rest
        // as a command of its own; | and ^ broke them too.
        for (String missing : List.of("C:\\R&D\\nojdk", "C:\\a|b^c&d\\nojdk")) {
            WineCmd.Result r = script("install-service.cmd", Map.of("JAVA_HOME", missing), "");
            assertThat(r.exit()).as(r.both()).isEqualTo(1);
            assertThat(r.err())
                    .as(r.both())
                    .contains("install-service: JAVA_HOME is set to " + missing + ", but " + missing
                            + "\\bin\\java.exe does not exist. Set it to a 64-bit Java 17 or newer installation, or"
                            + " clear it (set JAVA_HOME=) to use java.exe on PATH.")
                    .doesNotContain("recognize");
        }
        WineCmd.Result old = script("install-service.cmd", Map.of("JAVA_HOME", JDK11_AMPERSAND), "");
        assertThat(old.exit()).as(old.both()).isEqualTo(1);
        assertThat(old.err())
                .as(old.both())
                .contains("install-service: Java 17 or newer is needed; " + JDK11_AMPERSAND
                        + "\\bin\\java.exe is version 11.0.22.")
                .doesNotContain("recognize");

        // Made below: gone first, for a second run in the same Wine prefix (target/ kept between builds).
        Files.deleteIfExists(WineCmd.onC("C:\\R&D\\agent.yaml"));
        WineCmd.Result missing = script("install-service.cmd", Map.of("JAVA_HOME", JDK17), "\"C:\\R&D\\agent.yaml\"");
        assertThat(missing.exit()).as(missing.both()).isEqualTo(1);
        assertThat(missing.err())
                .as(missing.both())
                .contains("install-service: configuration file C:\\R&D\\agent.yaml not found.")
                .doesNotContain("recognize");

        Files.writeString(WineCmd.onC("C:\\R&D\\agent.yaml"), "");
        WineCmd.Result r = script("install-service.cmd", Map.of("JAVA_HOME", JDK17), "\"C:\\R&D\\agent.yaml\"");
        assertThat(r.exit()).as(r.both()).isZero();
        assertThat(r.out())
                .as(r.both())
                .contains("Installed the service kms-agent (configuration C:\\R&D\\agent.yaml, Java 17.0.2 in " + JDK17
                        + ").");
        assertThat(r.err()).as(r.both()).doesNotContain("recognize");
        assertThat(serviceKey()).contains("KMSAGENT_CONFIG=C:\\R&D\\agent.yaml");
    }
}
