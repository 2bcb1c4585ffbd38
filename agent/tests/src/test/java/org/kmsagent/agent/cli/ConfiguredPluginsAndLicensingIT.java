package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.doctor.LoopbackDnsServer;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * {@code status}, {@code doctor}, {@code products} and {@code gvlk} show the plugins and the licensing stack the
 * running agent uses: the configuration's {@code pluginsDir} and {@code licensing} (with their {@code KMSAGENT_*}
 * overrides) unless the command line gives {@code --plugins-dir} or {@code --licensing}, as {@code run} takes them
 * (docs/configuration.md). Real processes, since the configuration comes from {@code KMSAGENT_CONFIG}.
 */
class ConfiguredPluginsAndLicensingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The folder the agent's configuration names: two families of the eight. */
    private Path sitePlugins;

    private Path otherPlugins;

    /** Where doctor's DNS discovery is asked, instead of the build machine's resolvers. */
    private LoopbackDnsServer dns;

    @BeforeEach
    void dnsOnLoopback() throws Exception {
        dns = new LoopbackDnsServer();
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    @BeforeEach
    void pluginFolders() throws Exception {
        sitePlugins = dir.resolve("site-plugins");
        PluginJars.copyBuilt(sitePlugins, "office2013", "windows-server");
        otherPlugins = dir.resolve("other-plugins");
        PluginJars.copyBuilt(otherPlugins, "office2010");
    }

    @Test
    void productsStatusDoctorAndGvlkLoadOnlyThePluginsOfTheFolderTheConfigurationNames() throws Exception {
        Map<String, String> env =
                Map.of("KMSAGENT_CONFIG", config("pluginsDir: " + sitePlugins).toString());
        Set<String> site = Set.of("office2013", "windows-server");

        assertThat(products(env)).isEqualTo(site);
        assertThat(statusFamilies(env)).isEqualTo(site);
        KmsAgentProcess doctor = run(env, doctor("--json", "--licensing", "simulated"));
        List<String> subjects = new ArrayList<>();
        JSON.readTree(doctor.out())
                .get("findings")
                .forEach(f -> subjects.add(f.get("subject").asText()));
        assertThat(subjects).as(doctor.err()).contains("office2013", "windows-server");
        assertThat(String.join(",", subjects)).doesNotContain("windows-client", "office2016");
        assertThat(run(env, "gvlk", "Windows Server 2022 Datacenter").out()).contains("WX4NM-KYWYW-QJJR4-XV3QB-6VM33");
        KmsAgentProcess client = run(env, "gvlk", "Windows 11 Enterprise");
        assertThat(client.exit()).as(client.err()).isEqualTo(2);

        // The key's environment override, as the service would get it, wins over the file.
        Map<String, String> overridden =
                Map.of("KMSAGENT_CONFIG", env.get("KMSAGENT_CONFIG"), "KMSAGENT_PLUGINS_DIR", otherPlugins.toString());
        assertThat(products(overridden)).containsExactly("office2010");
    }

    /**
     * The default {@code pluginsDir} is the installation's {@code plugins/}, not a {@code plugins} folder where the
     * command runs: README's first command runs {@code simulate} from the source tree, whose {@code plugins/} holds
     * sources (it then loaded no family and refused the worked example).
     */
    @Test
    void theDefaultPluginsDirIsTheInstallationsWhateverTheWorkingDirectoryHolds() throws Exception {
        Path home = dir.resolve("install");
        PluginJars.copyBuilt(home.resolve("plugins"), "windows-client", "office2016");
        Path work = Files.createDirectories(dir.resolve("checkout"));
        Files.createDirectories(
                work.resolve("plugins").resolve("windows-client").resolve("src"));

        KmsAgentProcess run =
                KmsAgentProcess.run(work, Map.of(), List.of("-Dkmsagent.home=" + home), List.of("products", "--json"));

        assertThat(run.exit()).as(run.err()).isZero();
        Set<String> ids = new TreeSet<>();
        JSON.readTree(run.out())
                .get("families")
                .forEach(f -> ids.add(f.get("id").asText()));
        assertThat(ids).containsExactly("office2016", "windows-client");
    }

    @Test
    void pluginsDirOnTheCommandLineWinsOverTheKey() throws Exception {
        Map<String, String> env =
                Map.of("KMSAGENT_CONFIG", config("pluginsDir: " + sitePlugins).toString());

        assertThat(products(env)).containsExactly("office2013", "windows-server");
        assertThat(products(env, "--plugins-dir", otherPlugins.toString())).containsExactly("office2010");
    }

    @Test
    void aConfiguredPluginsDirThatDoesNotExistIsRefusedNamingTheKeyAndWhereItIsWritten() throws Exception {
        Path missing = dir.resolve("kms-plugins");
        Path file = config("dataDir: " + dir.resolve("data") + "\npluginsDir: " + missing);
        Map<String, String> env = Map.of("KMSAGENT_CONFIG", file.toString());

        for (List<String> command : List.of(
                List.of("products"),
                List.of("status", "--licensing", "simulated"),
                List.of(doctor("--licensing", "simulated")),
                List.of("gvlk", "Windows 11 Enterprise"))) {
            KmsAgentProcess refused = run(env, command.toArray(String[]::new));
            assertThat(refused.exit()).as(command + ": " + refused.err()).isEqualTo(2);
            assertThat(refused.err())
                    .as(command.toString())
                    .isEqualToIgnoringNewLines("kms-agent: " + file + ":2: pluginsDir: " + missing + " does not exist");
            assertThat(refused.out()).as(command.toString()).isEmpty();
        }
        KmsAgentProcess fromEnvironment = run(Map.of("KMSAGENT_PLUGINS_DIR", missing.toString()), "products");
        assertThat(fromEnvironment.exit()).isEqualTo(2);
        assertThat(fromEnvironment.err())
                .isEqualToIgnoringNewLines("kms-agent: environment variable KMSAGENT_PLUGINS_DIR: pluginsDir: "
                        + missing + " does not exist");
    }

    /**
     * {@code run} takes {@code pluginsDir} from its {@code --set} overrides too: a folder that does not exist is
     * refused naming the option it came from, as one in the file names its line and one in the environment its
     * variable.
     */
    @Test
    void aPluginsDirGivenToRunThatDoesNotExistIsRefusedNamingWhereItWasGiven() throws Exception {
        Path missing = dir.resolve("kms-plugins");
        Path data = dir.resolve("data");

        KmsAgentProcess fromSet = run(Map.of(), "run", "--set", "dataDir=" + data, "--set", "pluginsDir=" + missing);
        KmsAgentProcess fromEnvironment =
                run(Map.of("KMSAGENT_PLUGINS_DIR", missing.toString()), "run", "--set", "dataDir=" + data);

        assertThat(fromSet.exit()).as(fromSet.err()).isEqualTo(2);
        assertThat(fromSet.err().lines())
                .containsExactly(
                        "kms-agent run: invalid configuration:", "  --set pluginsDir: " + missing + " does not exist");
        assertThat(fromEnvironment.exit()).as(fromEnvironment.err()).isEqualTo(2);
        assertThat(fromEnvironment.err().lines())
                .containsExactly(
                        "kms-agent run: invalid configuration:",
                        "  environment variable KMSAGENT_PLUGINS_DIR: pluginsDir: " + missing + " does not exist");
        assertThat(data).doesNotExist();
    }

    @Test
    void licensingInTheConfigurationChoosesTheStackUnlessLicensingIsGiven() throws Exception {
        Path file =
                config("pluginsDir: " + sitePlugins + "\ndataDir: " + dir.resolve("data") + "\nlicensing: simulated");
        Map<String, String> env = Map.of("KMSAGENT_CONFIG", file.toString());

        assertThat(statusReason(env)).startsWith("licensing=simulated:");
        assertThat(statusReason(env, "--licensing", "auto")).startsWith("auto:");
        KmsAgentProcess doctor = run(env, doctor("--json"));
        // The stack and why, in the fields status --json gives them in.
        assertThat(JSON.readTree(doctor.out()).get("stack").asText())
                .as(doctor.err())
                .isEqualTo("simulated");
        assertThat(JSON.readTree(doctor.out()).get("stackReason").asText()).startsWith("licensing=simulated:");
        // The key's environment override alone, as the service would get it.
        assertThat(statusReason(Map.of(
                        "KMSAGENT_LICENSING",
                        "simulated",
                        "KMSAGENT_PLUGINS_DIR",
                        sitePlugins.toString(),
                        "KMSAGENT_DATA_DIR",
                        dir.resolve("data").toString())))
                .startsWith("licensing=simulated:");
    }

    /** {@code doctor OPTIONS}, its DNS discovery kept on {@link #dns}. */
    private String[] doctor(String... options) {
        List<String> args = new ArrayList<>(List.of("doctor"));
        args.addAll(List.of(options));
        args.addAll(dns.doctorOptions());
        return args.toArray(String[]::new);
    }

    private Path config(String yaml) throws Exception {
        return Files.writeString(dir.resolve("agent.yaml"), yaml + "\n");
    }

    private KmsAgentProcess run(Map<String, String> env, String... args) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        return KmsAgentProcess.run(work, env, List.of(args));
    }

    /** The family ids {@code products --json} lists, with {@code rootOptions} before the command. */
    private Set<String> products(Map<String, String> env, String... rootOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of(rootOptions));
        args.addAll(List.of("products", "--json"));
        KmsAgentProcess run = run(env, args.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        Set<String> ids = new TreeSet<>();
        JSON.readTree(run.out())
                .get("families")
                .forEach(f -> ids.add(f.get("id").asText()));
        return ids;
    }

    private Set<String> statusFamilies(Map<String, String> env) throws Exception {
        Set<String> ids = new TreeSet<>();
        status(env, "--licensing", "simulated")
                .get("families")
                .forEach(f -> ids.add(f.get("family").asText()));
        return ids;
    }

    private String statusReason(Map<String, String> env, String... options) throws Exception {
        return status(env, options).get("stackReason").asText();
    }

    private JsonNode status(Map<String, String> env, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("status", "--json"));
        args.addAll(List.of(options));
        KmsAgentProcess run = run(env, args.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }
}
