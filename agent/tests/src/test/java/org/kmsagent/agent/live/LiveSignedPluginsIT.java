package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.plugin.SigningKeys;

/** The running agent with plugins.trustStore: start, ctl plugins load and ctl plugins rescan all check signatures. */
class LiveSignedPluginsIT {
    @TempDir
    Path dir;

    @Test
    void startLoadAndRescanAllRefuseAnUnsignedJarWhileTheSignedOnesServe() throws Exception {
        SigningKeys key = SigningKeys.generate(dir, "Fleet Admins");
        Path trust = key.trustStore(dir, "plugin-trust.p12");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path windows = Files.copy(
                PluginJars.built("windows-client"),
                plugins.resolve(PluginJars.built("windows-client").getFileName()));
        key.sign(windows);

        try (LiveFixture f = LiveFixture.start(
                dir.resolve("data"),
                "pluginsDir=" + plugins,
                "plugins.trustStore=" + trust,
                "plugins.trustStorePassword=" + SigningKeys.PASSWORD)) {
            assertThat(f.agent.banner())
                    .anyMatch(l ->
                            l.equals("kms-agent: plugin signatures checked against 1 " + "certificate(s) of " + trust));
            assertThat(f.agent.plugins()).extracting(PluginView::id).containsExactly("windows-client");

            Path unsigned = Files.copy(
                    PluginJars.built("office2013"),
                    plugins.resolve(PluginJars.built("office2013").getFileName()));
            // ctl plugins load <jar>
            assertThatThrownBy(() -> f.agent.loadPlugin(unsigned.getFileName()))
                    .isInstanceOf(ControlException.class)
                    .hasMessageContaining(unsigned.getFileName() + " (plugin office2013): refused: not signed");
            // ctl plugins rescan
            assertThat(f.agent.rescanPlugins()).anySatisfy(p -> {
                assertThat(p.state()).isEqualTo("FAILED");
                assertThat(p.failure()).contains("refused: not signed");
            });
            assertThat(f.agent.products())
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.family()).isEqualTo("windows-client"));

            key.sign(unsigned);
            assertThat(f.agent.loadPlugin(unsigned.getFileName()).state()).isEqualTo("STARTED");
        }
    }

    @Test
    void withoutATrustStoreTheBannerSaysPluginSignaturesAreNotChecked() throws Exception {
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"))) {
            assertThat(f.agent.banner())
                    .contains("kms-agent: plugin signatures not checked (plugins.trustStore is not " + "set)");
        }
    }
}
