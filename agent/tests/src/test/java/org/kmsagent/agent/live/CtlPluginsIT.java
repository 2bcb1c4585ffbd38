package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.metrics.PrometheusText;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.plugin.fixture.ThrowingPlugin;

/**
 * {@code kms-agent ctl plugins}, as text and {@code --json}, against a real daemon (the production binding, the TLS
 * bridge on 127.0.0.1) over a plugins folder of a test's own; and the failures gauge its list feeds.
 */
class CtlPluginsIT {
    private static final String ADMIN = "admin-0123456789abcdef";

    @TempDir
    Path dir;

    private Path plugins;

    /** A daemon over {@code plugins}, its metrics on a free port. */
    private AgentDaemon start() throws Exception {
        return SimulatedDaemon.start(dir, ADMIN, plugins, """
        metrics:
          enabled: true
          port: 0
        """);
    }

    private static AgentFixture.Result ctl(AgentDaemon daemon, String... args) {
        AgentFixture.Result r = AgentFixture.ctlOn(daemon, ADMIN, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void aZipAndAFolderInThePluginsFolderAreListedAsSkippedNotAsFailedPlugins() throws Exception {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.copyBuilt(plugins, "windows-client");
        Files.write(plugins.resolve("acme.zip"), new byte[] {1, 2, 3});
        Files.createDirectories(plugins.resolve("acme"));
        String zip = "acme.zip: not a plugin jar; plugins load from .jar files only";
        String folder = "acme: a folder, not a plugin jar; plugins load from the .jar files directly in the plugins"
                + " folder";

        try (AgentDaemon daemon = start()) {
            // Before: said in the banner and the log only; ctl plugins showed windows-client alone.
            assertThat(ctl(daemon, "plugins").out().lines())
                    .contains("skipped: " + folder, "skipped: " + zip)
                    .noneMatch(l -> l.contains("FAILED"));

            for (String verb : List.of("list", "rescan")) {
                JsonObject json =
                        new JsonObject(ctl(daemon, "--json", "plugins", verb).out());
                assertThat(json.getJsonArray("plugins"))
                        .as(verb)
                        .singleElement()
                        .satisfies(p ->
                                assertThat(((JsonObject) p).getString("state")).isEqualTo("STARTED"));
                assertThat(json.getJsonArray("skipped", new JsonArray()))
                        .as(verb)
                        .containsExactly(
                                new JsonObject().put("file", "acme").put("reason", folder.substring("acme: ".length())),
                                new JsonObject()
                                        .put("file", "acme.zip")
                                        .put("reason", zip.substring("acme.zip: ".length())));
            }
            PrometheusText scrape = PrometheusText.scrape(daemon.metricsPort());
            assertThat(scrape.get("kmsagent_plugin_load_failures")).isZero();
            assertThat(scrape.get("kmsagent_families_loaded")).isEqualTo(1.0);
        }
    }

    @Test
    void aPluginLoadedFromOneJarWhoseOtherJarsFailedIsOneStartedEntryWithTheFailuresAsItsNotes() throws Exception {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.copyBuilt(plugins, "windows-client");
        String loaded = PluginJars.built("windows-client").getFileName().toString();
        // A copy of the loaded jar, and a newer version whose Plugin-Class cannot be created (a failed upgrade).
        Files.copy(PluginJars.built("windows-client"), plugins.resolve("windows-client-copy.jar"));
        String throwing = ThrowingPlugin.class.getName().replace('.', '/') + ".class";
        PluginJars.variant(
                PluginJars.built("windows-client"),
                plugins.resolve("windows-client-0.2.0.jar"),
                Map.of(throwing, PluginJars.classBytes(ThrowingPlugin.class)),
                Map.of("Plugin-Version", "0.2.0", "Plugin-Class", ThrowingPlugin.class.getName()));
        // A plugin none of whose jars loads stays a FAILED entry.
        PluginJars.variant(
                PluginJars.built("office2013"),
                plugins.resolve("office2013.jar"),
                Map.of(throwing, PluginJars.classBytes(ThrowingPlugin.class)),
                Map.of("Plugin-Class", ThrowingPlugin.class.getName()));
        String upgrade = "not loaded: windows-client-0.2.0.jar (plugin windows-client): "
                + ThrowingPlugin.class.getName() + " could not be created: IllegalStateException: boom in constructor";
        String copy = "not loaded: windows-client-copy.jar (plugin windows-client): plugin id windows-client is in"
                + " two jars: " + loaded + " (loaded, kept) and windows-client-copy.jar; remove one";
        String office = "office2013.jar (plugin office2013): " + ThrowingPlugin.class.getName()
                + " could not be created: IllegalStateException: boom in constructor";

        try (AgentDaemon daemon = start()) {
            // Before: three rows of windows-client, one STARTED and two FAILED, as if three plugins.
            List<String> rows = ctl(daemon, "plugins").out().lines().toList();
            assertThat(rows)
                    .filteredOn(l -> l.startsWith("windows-client "))
                    .singleElement()
                    .satisfies(l -> assertThat(l)
                            .matches("windows-client +0\\.1\\.0-SNAPSHOT +STARTED +windows-client +.*")
                            .endsWith("  " + upgrade + "; " + copy));
            assertThat(rows)
                    .filteredOn(l -> l.startsWith("office2013 "))
                    .singleElement()
                    .satisfies(l -> assertThat(l)
                            .matches("office2013 +- +FAILED +- +.*")
                            .endsWith("  " + office));

            assertThat(rows.get(0)).matches("ID +VERSION +STATE +FAMILIES +NOTE");

            JsonArray json = new JsonObject(ctl(daemon, "--json", "plugins").out()).getJsonArray("plugins");
            assertThat(json).hasSize(2);
            JsonObject windows = entry(json, "windows-client");
            assertThat(windows.getString("state")).isEqualTo("STARTED");
            assertThat(windows.getString("version")).isEqualTo("0.1.0-SNAPSHOT");
            assertThat(windows.getString("failure")).isNull();
            assertThat(windows.getJsonArray("notes")).containsExactly(upgrade, copy);
            JsonObject failed = entry(json, "office2013");
            assertThat(failed.getString("state")).isEqualTo("FAILED");
            assertThat(failed.getString("failure")).isEqualTo(office);
            assertThat(failed.getJsonArray("notes")).isEmpty();

            // Counted once, and only the plugin that serves nothing: windows-client's products are renewed.
            assertThat(PrometheusText.scrape(daemon.metricsPort()).get("kmsagent_plugin_load_failures"))
                    .isEqualTo(1.0);
            // The start banner counts as the gauge does (it said "3 failed"), and still names every jar not loaded.
            assertThat(daemon.banner())
                    .anySatisfy(l -> assertThat(l).endsWith(": 1 loaded [windows-client], 1 failed"))
                    .filteredOn(l -> l.startsWith("kms-agent: plugin not loaded: "))
                    .hasSize(3);
        }
    }

    private static JsonObject entry(JsonArray plugins, String id) {
        return plugins.stream()
                .map(JsonObject.class::cast)
                .filter(p -> id.equals(p.getString("id")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + id + " in " + plugins.encode()));
    }
}
