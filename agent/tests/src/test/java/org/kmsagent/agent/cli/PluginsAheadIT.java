package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.command.PluginLease;
import org.kmsagent.agent.doctor.LoopbackDnsServer;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.plugin.SigningKeys;
import org.kmsagent.agent.testsupport.OpenFiles;
import picocli.CommandLine;

/**
 * The plugins {@code status}, {@code doctor}, {@code products} and {@code gvlk} load ahead, before picocli has parsed
 * the arguments, are the ones the parsed {@code --plugins-dir} names, wherever it stands, else the folder the
 * configuration the parsed {@code doctor --config} names, checked with that configuration's trust store; a second
 * load is a load of its own (each command closes the host it was given).
 */
class PluginsAheadIT {

    @Test
    void theDirectoryGivenAfterTheCommandIsTheOneLoaded(@TempDir Path empty) {
        String built = PluginJars.builtPlugins().toString();

        assertThat(CliRun.of("gvlk", "Windows Server 2022 Datacenter", "--plugins-dir", built)
                        .out())
                .contains("WX4NM-KYWYW-QJJR4-XV3QB-6VM33");
        CliRun none = CliRun.of("gvlk", "Windows Server 2022 Datacenter", "--plugins-dir", empty.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no edition named 'Windows Server 2022 Datacenter'");
    }

    /**
     * A first look that missed doctor's {@code --config} (picocli's parse is the one that counts) loaded the plugins
     * with another configuration's trust store: they are loaded again, checked as the file given says.
     */
    @Test
    void pluginsLoadedAheadWithAnotherConfigurationAreLoadedAgainWithTheOneGiven(@TempDir Path dir) throws Exception {
        SigningKeys admins = SigningKeys.generate(dir, "Fleet Admins");
        Path store = admins.trustStore(dir, "plugin-trust.p12");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.built("office2013"), plugins.resolve("office2013.jar"));
        Path config = Files.writeString(
                dir.resolve("agent.yaml"), """
                dataDir: %s
                plugins: {trustStore: %s, trustStorePassword: %s}
                """.formatted(dir.resolve("data"), store, SigningKeys.PASSWORD));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (LoopbackDnsServer dns = new LoopbackDnsServer()) {
            String[] firstLook =
                    withDns(dns, "--plugins-dir", plugins.toString(), "doctor", "--licensing", "simulated");
            String[] parsed = withDns(
                    dns,
                    "--plugins-dir",
                    plugins.toString(),
                    "doctor",
                    "--licensing",
                    "simulated",
                    "--config",
                    config.toString());
            CommandLine cl = KmsAgentCommand.forProcess(firstLook);
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));

            cl.execute(parsed);
        }

        assertThat(err.toString())
                .contains("warning: plugin not loaded: office2013.jar (plugin office2013): refused: not signed");
        assertThat(out.toString()).contains("plugin signatures checked against 1 certificate(s) of " + store);
    }

    /**
     * Without {@code --plugins-dir}, the configuration's {@code pluginsDir}: a first look that missed doctor's
     * {@code --config} loaded the folder of another configuration (the installation's), and the plugins are loaded
     * again from the folder the file given names.
     */
    @Test
    void withoutPluginsDirThePluginsAreTheOnesOfTheFolderTheConfigurationNames(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("kms-plugins");
        PluginJars.copyBuilt(plugins, "office2013");
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                dataDir: %s
                pluginsDir: %s
                """.formatted(dir.resolve("data"), plugins));
        try (LoopbackDnsServer dns = new LoopbackDnsServer()) {
            String[] parsed = withDns(dns, "doctor", "--licensing", "simulated", "--config", config.toString());
            String[] firstLook = withDns(dns, "doctor", "--licensing", "simulated");

            for (String[] looked : List.of(parsed, firstLook)) {
                StringWriter out = new StringWriter();
                CommandLine cl = KmsAgentCommand.forProcess(looked);
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(new StringWriter(), true));

                cl.execute(parsed);

                assertThat(out.toString())
                        .as("first look: %s", String.join(" ", looked))
                        .contains("office2013")
                        .doesNotContain("no product family is loaded");
            }
        }
    }

    /** {@code args} with doctor's DNS discovery kept on {@code dns}. */
    private static String[] withDns(LoopbackDnsServer dns, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(dns.doctorOptions());
        return all.toArray(String[]::new);
    }

    /**
     * A first look that took another folder than the one parsed loaded plugins the command throws away: they are
     * stopped and unloaded, their jars closed, as the command's own are once it is done (an open jar cannot be
     * replaced on Windows). Seen in the process's open files, after the thread that loaded ahead has finished.
     */
    @Test
    void pluginsLoadedAheadFromAnotherFolderAreClosedWhenThrownAway(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(OpenFiles.listed(), "lists its open files");
        Path lookedAt = dir.resolve("looked-at");
        Path given = dir.resolve("given");
        PluginJars.copyBuilt(lookedAt, "office2013", "windows-server");
        PluginJars.copyBuilt(given, "office2013", "windows-server");
        String[] firstLook = {"--plugins-dir", lookedAt.toString(), "products"};
        String[] parsed = {"--plugins-dir", given.toString(), "products"};
        StringWriter out = new StringWriter();
        CommandLine cl = KmsAgentCommand.forProcess(firstLook);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));

        assertThat(cl.execute(parsed)).isZero();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("plugins-ahead")) {
                t.join();
            }
        }

        assertThat(out.toString()).contains("office2013", "windows-server");
        assertThat(OpenFiles.under(given))
                .as("the command's own plugins, closed when it is done")
                .isEmpty();
        assertThat(OpenFiles.under(lookedAt))
                .as("the plugins loaded ahead and thrown away")
                .isEmpty();
    }

    /**
     * A command line loads its plugins once: a command run while another holds them ({@code simulate --from-hub}
     * running {@code ctl fleet snapshot}) is given the same host; when the last lets go, the host is closed (its
     * jars with it) and a later load is a load of its own.
     */
    @Test
    void whileOneCommandHoldsThePluginsAnotherIsGivenTheSameAndALaterLoadIsFresh(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(OpenFiles.listed(), "lists its open files");
        Path plugins = dir.resolve("plugins");
        PluginJars.copyBuilt(plugins, "windows-server");
        String[] args = {"--plugins-dir", plugins.toString(), "products"};
        CommandLine cl = KmsAgentCommand.forProcess(args);
        cl.parseArgs(args);
        KmsAgentCommand root = cl.getCommand();

        PluginHost first;
        try (PluginLease outer = root.loadPlugins()) {
            first = outer.host();
            try (PluginLease inner = root.loadPlugins()) {
                assertThat(inner.host()).isSameAs(first);
            }
            assertThat(first.registry().families())
                    .as("still held")
                    .extracting(LoadedFamily::id)
                    .contains("windows-server");
        }
        assertThat(first.registry().families()).as("let go by all").isEmpty();
        assertThat(OpenFiles.under(plugins)).isEmpty();
        try (PluginLease later = root.loadPlugins()) {
            assertThat(later.host()).isNotSameAs(first);
            assertThat(later.host().registry().families())
                    .extracting(LoadedFamily::id)
                    .containsExactly("windows-server");
        }
    }
}
