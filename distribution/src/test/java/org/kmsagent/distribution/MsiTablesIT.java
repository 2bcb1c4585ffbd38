package org.kmsagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MSI the build made (target/kms-agent-<version>.msi, src/main/wix), read back table by table with msitools'
 * msiinfo: what it installs where, the service, where the public properties land, the Java search, the upgrade.
 */
class MsiTablesIT {
    static final String UPGRADE_CODE = "{6F1C3B0E-7A52-4C8E-9D4B-2E5A8C0F9B17}";
    static final String SERVICE_KEY = "SYSTEM\\CurrentControlSet\\Services\\kms-agent";
    static Path msi;

    @BeforeAll
    static void find() {
        WineCmd.requireTool("msiinfo", "msitools");
        String version = System.getProperty("kmsagent.version", "0.1.0-SNAPSHOT");
        msi = WineCmd.TARGET.resolve("kms-agent-" + version + ".msi");
        assertThat(msi).as("the MSI the pre-integration-test phase builds").isRegularFile();
    }

    private static String run(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must fail; returns what it printed. */
    private static String runFailing(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish:\n" + out);
            }
            if (p.exitValue() == 0) {
                fail(String.join(" ", command) + " succeeded, but should have failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** build-msi.sh's command line for the assembled machine agent, a version and an output under msi-test/. */
    private static String[] buildMsi(String version, String output) {
        return new String[] {
            "bash",
            Path.of(System.getProperty("kmsagent.basedir", "."))
                    .resolve("src/main/wix/build-msi.sh")
                    .toString(),
            WineCmd.TARGET.resolve("kms-agent-machine").toString(),
            WineCmd.TARGET.resolve("msi-test").resolve(output).toString(),
            version,
            WineCmd.TARGET.resolve("msi-test/work-" + output).toString()
        };
    }

    /** The rows of a table, each as column name to value (msiinfo export: names, types, keys, then rows). */
    static List<Map<String, String>> table(Path file, String name) {
        List<String> lines = run(60, "msiinfo", "export", file.toString(), name)
                .lines()
                .map(l -> l.replace("\r", ""))
                .toList();
        String[] columns = lines.get(0).split("\t", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(3, lines.size())) {
            String[] v = line.split("\t", -1);
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < columns.length; i++) {
                row.put(columns[i], i < v.length ? v[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    static List<Map<String, String>> table(String name) {
        return table(msi, name);
    }

    static Map<String, String> row(String table, String column, String value) {
        return table(table).stream()
                .filter(r -> value.equals(r.get(column)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(table + " has no row with " + column + " = " + value));
    }

    static String property(Path file, String name) {
        return table(file, "Property").stream()
                .filter(r -> name.equals(r.get("Property")))
                .map(r -> r.get("Value"))
                .findFirst()
                .orElse(null);
    }

    static int sequence(String action) {
        return Integer.parseInt(row("InstallExecuteSequence", "Action", action).get("Sequence"));
    }

    @Test
    void directoriesAreProgramFilesKmsAgentAndProgramDataKmsAgent() {
        assertThat(row("Directory", "Directory", "INSTALLDIR"))
                .containsEntry("Directory_Parent", "ProgramFiles64Folder")
                .containsEntry("DefaultDir", "kms-agent");
        assertThat(row("Directory", "Directory", "BINDIR"))
                .containsEntry("Directory_Parent", "INSTALLDIR")
                .containsEntry("DefaultDir", "bin");
        assertThat(row("Directory", "Directory", "KMSDATA"))
                .containsEntry("Directory_Parent", "CommonAppDataFolder")
                .containsEntry("DefaultDir", "kms-agent");
        Map<String, String> dirs = table("Directory").stream()
                .collect(Collectors.toMap(
                        r -> r.get("Directory"), r -> r.get("DefaultDir") + "<" + r.get("Directory_Parent")));
        assertThat(dirs.values()).contains("lib<INSTALLDIR", "plugins<INSTALLDIR", "conf<INSTALLDIR");
        assertThat(run(30, "msiinfo", "suminfo", msi.toString()))
                .contains("Template: x64;1033")
                .contains("Version: 500");
    }

    @Test
    void filesAreTheLauncherTheServiceHostEveryLibraryAndPluginAndTheConfiguration() throws IOException {
        List<Map<String, String>> files = table("File");
        List<String> names = files.stream().map(r -> r.get("FileName")).toList();
        List<String> expected = new ArrayList<>();
        for (String dir : List.of("lib", "plugins")) {
            try (Stream<Path> s =
                    Files.list(WineCmd.TARGET.resolve("kms-agent-machine").resolve(dir))) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".jar"))
                        .forEach(expected::add);
            }
        }
        assertThat(expected).isNotEmpty();
        // Long names are stored as "SHORT~1|long-name.jar".
        List<String> longNames =
                names.stream().map(n -> n.substring(n.indexOf('|') + 1)).toList();
        assertThat(longNames)
                .containsAll(expected)
                .contains(
                        "kms-agent.cmd",
                        "kms-agent-service.exe",
                        "agent.yaml",
                        "service-jvm.options",
                        "bundled-plugins.txt");
        assertThat(longNames).doesNotContain("install-service.cmd", "uninstall-service.cmd", "kms-agent");

        Map<String, String> exe = files.stream()
                .filter(r -> r.get("FileName").endsWith("kms-agent-service.exe"))
                .findFirst()
                .orElseThrow();
        assertThat(exe).containsEntry("Component_", "Service");
        assertThat(row("Component", "Component", "Service"))
                .containsEntry("Directory_", "BINDIR")
                .containsEntry("KeyPath", exe.get("File"));
        // agent.yaml twice: the reference in conf\ and the machine's own in %ProgramData%\kms-agent.
        assertThat(row("Component", "Component", "DataFolder")).containsEntry("Directory_", "KMSDATA");
        assertThat(row("CreateFolder", "Directory_", "KMSDATA")).containsEntry("Component_", "DataFolder");
    }

    @Test
    void theServiceIsInstalledAsAnAutomaticLocalSystemServiceStartedAtInstallAndRemovedAtUninstall() {
        Map<String, String> install = row("ServiceInstall", "Name", "kms-agent");
        assertThat(install)
                .containsEntry("Component_", "Service")
                .containsEntry("StartName", "LocalSystem")
                .containsEntry("ServiceType", "16") // own process
                .containsEntry("StartType", "2") // automatic
                .containsEntry("ErrorControl", "1")
                .containsEntry("Arguments", "");
        Map<String, String> control = row("ServiceControl", "Name", "kms-agent");
        int event = Integer.parseInt(control.get("Event"));
        assertThat(event & 0x01).as("start at install").isNotZero();
        assertThat(event & 0x02).as("stop at install (upgrade)").isNotZero();
        assertThat(event & 0x20).as("stop at uninstall").isNotZero();
        assertThat(event & 0x80).as("delete at uninstall").isNotZero();
        assertThat(control).containsEntry("Wait", "1").containsEntry("Component_", "Service");
        assertThat(sequence("StartServices")).isGreaterThan(sequence("InstallServices"));
        assertThat(sequence("InstallServices")).isGreaterThan(sequence("WriteRegistryValues"));
    }

    @Test
    void theServiceIsRestartedAfterEveryFailureBySc() {
        // sc.exe from a deferred custom action, as Microsoft's MsiConfigureServices page advises: it says the
        // MsiServiceConfigFailureActions table "is not working as expected", so the MSI has none.
        assertThat(run(30, "msiinfo", "tables", msi.toString()).lines())
                .doesNotContain("MsiServiceConfigFailureActions");
        assertThat(row("CustomAction", "Action", "SetScExe"))
                .containsEntry("Source", "SCEXE")
                .containsEntry("Target", "[System64Folder]sc.exe");
        Map<String, String> recovery = row("CustomAction", "Action", "ServiceRecovery");
        // Restart after 60 s on the first, second and later failures; the count is reset after a day (86400 s).
        assertThat(recovery)
                .containsEntry("Source", "SCEXE")
                .containsEntry(
                        "Target", "failure kms-agent reset= 86400 actions= restart/60000/restart/60000/restart/60000");
        int type = Integer.parseInt(recovery.get("Type"));
        assertThat(type & 0x3F).as("an exe named by a property").isEqualTo(50);
        assertThat(type & 0x400).as("deferred").isNotZero();
        assertThat(type & 0x800).as("as LocalSystem, not the user").isNotZero();
        assertThat(type & 0x40).as("a failure does not roll the install back").isNotZero();
        assertThat(row("InstallExecuteSequence", "Action", "ServiceRecovery"))
                .containsEntry("Condition", "NOT REMOVE~=\"ALL\"");
        assertThat(sequence("SetScExe"))
                .isGreaterThan(sequence("CostFinalize"))
                .isLessThan(sequence("InstallInitialize"));
        assertThat(sequence("ServiceRecovery"))
                .isGreaterThan(sequence("InstallServices"))
                .isLessThan(sequence("StartServices"));
    }

    @Test
    void theServiceLogsToARolledFileInTheDataFolderAndUninstallLeavesNoLogInProgramFiles() {
        assertThat(row("Registry", "Registry", "EnvLoggingFile"))
                .containsEntry("Key", SERVICE_KEY)
                .containsEntry("Name", "Environment")
                .containsEntry("Value", "[~]KMSAGENT_LOGGING_FILE=[KMSDATA]logs\\kms-agent.log")
                .containsEntry("Component_", "Service");
        // <install>\logs\, where the service host appends its output: its files, then itself, at uninstall (2).
        assertThat(row("Directory", "Directory", "LOGDIR"))
                .containsEntry("Directory_Parent", "INSTALLDIR")
                .containsEntry("DefaultDir", "logs");
        assertThat(row("RemoveFile", "FileKey", "ServiceHostLogs"))
                .containsEntry("Component_", "Service")
                .containsEntry("FileName", "*")
                .containsEntry("DirProperty", "LOGDIR")
                .containsEntry("InstallMode", "2");
        assertThat(row("RemoveFile", "FileKey", "ServiceHostLogsFolder"))
                .containsEntry("Component_", "Service")
                .containsEntry("FileName", "")
                .containsEntry("DirProperty", "LOGDIR")
                .containsEntry("InstallMode", "2");
        // The class-data archive the service host makes in lib\ (and its pending files): at install, so that an
        // upgrade's service makes one for its new jars, and at uninstall (3).
        String lib = table("Directory").stream()
                .filter(d -> "INSTALLDIR".equals(d.get("Directory_Parent"))
                        && d.get("DefaultDir").endsWith("lib"))
                .map(d -> d.get("Directory"))
                .findFirst()
                .orElseThrow();
        assertThat(row("RemoveFile", "FileKey", "ClassDataArchive"))
                .containsEntry("Component_", "Service")
                .containsEntry("FileName", "kms-agent-run*.jsa*")
                .containsEntry("DirProperty", lib)
                .containsEntry("InstallMode", "3");
    }

    @Test
    void theServiceHostsJvmOptionsAreInstalledUnderConfAsInTheZip() {
        Map<String, String> file = row("File", "File", "ServiceJvmOptionsFile");
        assertThat(file.get("FileName")).endsWith("service-jvm.options");
        assertThat(file).containsEntry("Component_", "ServiceJvmOptions");
        assertThat(row("Component", "Component", "ServiceJvmOptions")).containsEntry("Directory_", "CONFDIR");
        // The MSI carries the file as the machine agent's .zip does, with CRLF line endings (ConfLineEndingsIT reads
        // both); the assembled installation's copy, which the .tar.gz packs, is LF and so shorter by a byte a line.
        String zip = "kms-agent-machine-" + System.getProperty("kmsagent.version", "0.1.0-SNAPSHOT");
        byte[] zipped =
                ConfLineEndingsIT.zipBytes(WineCmd.TARGET.resolve(zip + ".zip"), zip + "/conf/service-jvm.options");
        assertThat(Long.parseLong(file.get("FileSize")))
                .as("the size of the MSI's file, which is the .zip's")
                .isEqualTo(zipped.length);
        assertThat(table("FeatureComponents").stream().map(r -> r.get("Component_")))
                .contains("ServiceJvmOptions");
    }

    @Test
    void publicPropertiesLandInTheServicesEnvironmentOnlyWhenGiven() {
        Map<String, String[]> expected = Map.of(
                "EnvKms", new String[] {"KMS", "[~]KMSAGENT_RENEWAL_KMS=[KMS]"},
                "EnvHubs", new String[] {"HUBS", "[~]KMSAGENT_FLEET_HUBS=[\\[][HUBS][\\]]"},
                "EnvHubToken", new String[] {"HUB_TOKEN", "[~]KMSAGENT_FLEET_TOKEN=[HUB_TOKEN]"},
                "EnvHubTrust", new String[] {"HUB_TRUST", "[~]KMSAGENT_FLEET_TRUST=[\\[][HUB_TRUST][\\]]"},
                "EnvJavaHome", new String[] {"JAVA_HOME", "[~]JAVA_HOME=[JAVA_HOME]"});
        expected.forEach((id, v) -> {
            Map<String, String> reg = row("Registry", "Registry", id);
            assertThat(reg)
                    .containsEntry("Root", "2")
                    .containsEntry("Key", SERVICE_KEY)
                    .containsEntry("Name", "Environment")
                    .containsEntry("Value", v[1])
                    .containsEntry("Component_", id);
            assertThat(row("Component", "Component", id))
                    .containsEntry("Condition", v[0])
                    .containsEntry("KeyPath", id);
        });
        assertThat(row("Registry", "Registry", "EnvConfig"))
                .containsEntry("Value", "[~]KMSAGENT_CONFIG=[KMSDATA]agent.yaml")
                .containsEntry("Component_", "Service");
        assertThat(row("Registry", "Registry", "EnvDataDir"))
                .containsEntry("Value", "[~]KMSAGENT_DATA_DIR=[KMSDATA]data");
        // Each component is in the one feature.
        List<String> inFeature = table("FeatureComponents").stream()
                .map(r -> r.get("Component_"))
                .toList();
        assertThat(inFeature)
                .contains("Service", "EnvKms", "EnvHubs", "EnvHubToken", "EnvHubTrust", "EnvJavaHome", "DataFolder");
    }

    @Test
    void publicPropertiesAreSecureTheTokenHiddenAndAllRememberedForUpgrades() {
        assertThat(property(msi, "SecureCustomProperties").split(";"))
                .contains("KMS", "HUBS", "HUB_TOKEN", "HUB_TRUST", "JAVA_HOME", "PURGE_DATA", "WIX_UPGRADE_DETECTED");
        assertThat(property(msi, "MsiHiddenProperties").split(";")).contains("HUB_TOKEN", "CMDLINE_HUB_TOKEN");
        for (String[] p : new String[][] {
            {"KMS", "Kms"},
            {"HUBS", "Hubs"},
            {"HUB_TOKEN", "HubToken"},
            {"HUB_TRUST", "HubTrust"},
            {"JAVA_HOME", "JavaHome"}
        }) {
            Map<String, String> remember = row("Registry", "Name", p[1]);
            assertThat(remember).containsEntry("Key", "SOFTWARE\\kms-agent").containsEntry("Value", "[" + p[0] + "]");
            Map<String, String> search = row("AppSearch", "Property", p[0]);
            assertThat(row("RegLocator", "Signature_", search.get("Signature_")))
                    .containsEntry("Key", "SOFTWARE\\kms-agent")
                    .containsEntry("Name", p[1]);
            // The command line wins over what was remembered: saved before AppSearch, put back after it.
            String suffix = p[0].equals("KMS") ? "Kms" : p[1];
            assertThat(sequence("SaveCmdline" + suffix)).isLessThan(sequence("AppSearch"));
            assertThat(sequence("RestoreCmdline" + suffix))
                    .isGreaterThan(sequence("AppSearch"))
                    .isLessThan(sequence("LaunchConditions"));
            assertThat(row("InstallExecuteSequence", "Action", "RestoreCmdline" + suffix))
                    .containsEntry("Condition", "CMDLINE_" + p[0]);
        }
    }

    @Test
    void everyRegistrySearchReadsThe64BitView() {
        // msidbLocatorType64bit: without it a 64-bit install reads WOW6432Node, where neither the remembered settings
        // (written by Win64 components) nor a 64-bit runtime's keys are, so upgrades forgot them and no Java was found.
        List<Map<String, String>> locators = table("RegLocator");
        assertThat(locators).hasSizeGreaterThanOrEqualTo(10);
        assertThat(locators)
                .allSatisfy(r -> assertThat(Integer.parseInt(r.get("Type")) & 16)
                        .as("RegLocator %s: 64-bit view", r.get("Signature_"))
                        .isEqualTo(16));
        assertThat(row("RegLocator", "Signature_", "RememberedKms").get("Type")).isEqualTo("18"); // raw, 64-bit
        assertThat(row("RegLocator", "Signature_", "Zulu17Home").get("Type")).isEqualTo("16"); // directory, 64-bit
    }

    @Test
    void javaIsSearchedInTheRegistryAndJavaHomeAndAJavaItCannotSeeIsLeftToTheServiceHost() {
        assertThat(row("RegLocator", "Signature_", "JavaSoftVersion"))
                .containsEntry("Key", "SOFTWARE\\JavaSoft\\JDK")
                .containsEntry("Name", "CurrentVersion");
        assertThat(row("RegLocator", "Signature_", "Zulu17Home"))
                .containsEntry("Key", "SOFTWARE\\Azul Systems\\Zulu\\zulu-17")
                .containsEntry("Name", "InstallationPath");
        assertThat(row("CustomAction", "Action", "JavaFromEnvironment"))
                .containsEntry("Source", "JAVA_HOME")
                .containsEntry("Target", "[%JAVA_HOME]");
        assertThat(row("InstallExecuteSequence", "Action", "JavaFromJavaSoft").get("Condition"))
                .contains("NOT JAVA_HOME", "JAVASOFT_VERSION << \"17\"")
                .doesNotContain("<< \"1\" ");
        for (String a : List.of("JavaFromJavaSoft", "JavaFromZulu21", "JavaFromEnvironment")) {
            assertThat(sequence(a))
                    .isGreaterThan(sequence("RestoreCmdlineJavaHome"))
                    .isLessThan(sequence("LaunchConditions"));
        }
        // A runtime the installer cannot see (Temurin's or Microsoft's, installed with their default features) is
        // not refused: the service host finds it, and says so in event 1010 when there is none.
        assertThat(table("LaunchCondition"))
                .extracting(r -> r.get("Condition"))
                .contains("Installed OR VersionNT64")
                .noneMatch(c -> c.contains("JAVA_HOME"));
    }

    @Test
    void dataIsLockedToSystemAndAdministratorsAndKeptUnlessPurgeDataIsAsked() {
        assertThat(row("MsiLockPermissionsEx", "MsiLockPermissionsEx", "LockDataFolder"))
                .containsEntry("LockObject", "KMSDATA")
                .containsEntry("Table", "CreateFolder")
                .containsEntry("SDDLText", "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)");
        assertThat(row("MsiLockPermissionsEx", "MsiLockPermissionsEx", "LockServiceKey"))
                .containsEntry("LockObject", "EnvConfig")
                .containsEntry("Table", "Registry");
        assertThat(row("MsiLockPermissionsEx", "MsiLockPermissionsEx", "LockRemembered"))
                .containsEntry("LockObject", "RememberInstallDir")
                .containsEntry("Table", "Registry");
        int attributes =
                Integer.parseInt(row("Component", "Component", "DataFolder").get("Attributes"));
        assertThat(attributes & 16).as("DataFolder is permanent").isNotZero();
        assertThat(row("InstallExecuteSequence", "Action", "PurgeData").get("Condition"))
                .isEqualTo("REMOVE~=\"ALL\" AND NOT UPGRADINGPRODUCTCODE AND PURGE_DATA=\"1\"");
        assertThat(row("CustomAction", "Action", "PurgeData").get("Target")).isEqualTo("/c rmdir /s /q \"[KMSDATA]\"");
        assertThat(sequence("PurgeData"))
                .isGreaterThan(sequence("RemoveFiles"))
                .isLessThan(sequence("InstallFinalize"));
    }

    @Test
    void theUpgradeCodeIsTheSameForAnotherVersionWhichUpgradesThisOne() {
        Path other = WineCmd.TARGET.resolve("msi-test/kms-agent-0.2.0.msi");
        run(300, buildMsi("0.2.0", "kms-agent-0.2.0.msi"));
        assertThat(property(msi, "UpgradeCode")).isEqualTo(UPGRADE_CODE);
        assertThat(property(other, "UpgradeCode")).isEqualTo(UPGRADE_CODE);
        assertThat(property(other, "ProductVersion")).isEqualTo("0.2.0");
        assertThat(property(other, "ProductCode")).isNotEqualTo(property(msi, "ProductCode"));
        Optional<Map<String, String>> upgrade = table(other, "Upgrade").stream()
                .filter(r -> "WIX_UPGRADE_DETECTED".equals(r.get("ActionProperty")))
                .findFirst();
        assertThat(upgrade).get().satisfies(r -> {
            assertThat(r)
                    .containsEntry("UpgradeCode", UPGRADE_CODE)
                    .containsEntry("VersionMax", "0.2.0")
                    .containsEntry("VersionMin", "");
            assertThat(Integer.parseInt(r.get("Attributes")) & 0x200)
                    .as("same version upgrades too")
                    .isNotZero();
        });
        assertThat(table(other, "Upgrade").stream()
                        .filter(r -> "WIX_DOWNGRADE_DETECTED".equals(r.get("ActionProperty"))))
                .singleElement()
                .satisfies(r -> assertThat(r).containsEntry("VersionMin", "0.2.0"));
        // The same component GUIDs in both, so that the upgrade and the kept data match component for component.
        Map<String, String> a = table("Component").stream()
                .collect(Collectors.toMap(r -> r.get("Component"), r -> r.get("ComponentId")));
        Map<String, String> b = table(other, "Component").stream()
                .collect(Collectors.toMap(r -> r.get("Component"), r -> r.get("ComponentId")));
        assertThat(b.get("DataFolder")).isEqualTo(a.get("DataFolder"));
        assertThat(b.get("Service")).isEqualTo(a.get("Service"));
        assertThat(sequence("RemoveExistingProducts"))
                .isGreaterThan(sequence("InstallValidate"))
                .isLessThan(sequence("InstallInitialize"));
    }

    @Test
    void aVersionBeyondWhatAnMsiVersionHoldsIsRefusedBeforeAnythingIsBuilt() {
        // ProductVersion is major.minor.build, at most 255.255.65535 (Windows Installer's ProductVersion property).
        for (String[] refused : new String[][] {
            {"256.0.0", "its major number 256 is above 255"},
            {"1.256.0-SNAPSHOT", "its minor number 256 is above 255"},
            {"1.0.65536", "its build number 65536 is above 65535"},
            {"1.0.123456789012345678901234567890", "its build number 123456789012345678901234567890 is above 65535"},
            {"v1.0", "it must start with a number"}
        }) {
            String out = runFailing(60, buildMsi(refused[0], "refused.msi"));
            assertThat(out)
                    .as(refused[0])
                    .contains("build-msi: cannot make an MSI version of " + refused[0] + ": " + refused[1]);
            assertThat(WineCmd.TARGET.resolve("msi-test/refused.msi")).doesNotExist();
        }
    }

    @Test
    void theEventSourcesMessageFileIsAnExpandableString() {
        // "#%": REG_EXPAND_SZ, which wixl 0.101 does not write for Type="expandable" (build-msi.sh sets it).
        assertThat(row("Registry", "Registry", "EventSourceMessages"))
                .containsEntry("Key", "SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\kms-agent")
                .containsEntry("Name", "EventMessageFile")
                .containsEntry("Value", "#%[#ServiceExe]")
                .containsEntry("Component_", "Service");
        assertThat(row("Registry", "Registry", "EventSourceTypes")).containsEntry("Value", "#7");
    }
}
