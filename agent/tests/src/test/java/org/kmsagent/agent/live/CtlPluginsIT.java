package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.metrics.PrometheusText;
import org.kmsagent.agent.plugin.PluginJars;

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
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        bridge:
          port: 0
          tokens:
            - {name: ops, token: "${ADMIN_T}", role: admin}
        metrics:
          enabled: true
          port: 0
        """);
        AgentConfig config = new ConfigLoader(Map.of("ADMIN_T", ADMIN))
                .load(Optional.of(file), List.of("dataDir=" + dir.resolve("data"), "pluginsDir=" + plugins));
        return AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC());
    }

    private static AgentFixture.Result ctl(AgentDaemon daemon, String... args) {
        List<String> argv = new ArrayList<>(List.of(
                "ctl",
                "--agent",
                "127.0.0.1:" + daemon.bridgePort(),
                "--trust",
                daemon.fingerprint(),
                "--token",
                ADMIN));
        argv.addAll(List.of(args));
        AgentFixture.Result r = AgentFixture.run(argv.toArray(String[]::new));
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
}
