package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.fixture.HangingPlugin;

/** A plugin that never finishes starting is reported and skipped; the agent does not wait for it forever. */
class PluginDeadlineIT {
    @TempDir
    Path dir;

    private PluginHost host;

    @AfterEach
    void close() {
        HangingPlugin.RELEASE.countDown();
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aPluginThatHangsWhileStartingIsReportedAfterTheDeadlineAndTheOthersLoad() throws Exception {
        String classFile = HangingPlugin.class.getName().replace('.', '/') + ".class";
        Map<String, byte[]> replace = new HashMap<>();
        replace.put(classFile, PluginJars.classBytes(HangingPlugin.class));
        Path hanging = PluginJars.variant(
                PluginJars.built("office2010"),
                dir.resolve("office2010.jar"),
                replace,
                Map.of("Plugin-Class", HangingPlugin.class.getName()));
        host = new PluginHost(dir, new FamilyRegistry(), new CatalogReader());
        host.startDeadline(Duration.ofSeconds(2));

        long t0 = System.nanoTime();
        assertThat(host.load(hanging)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("did not load and start within 2 s"));

        host.startDeadline(PluginHost.START_DEADLINE);
        Path office2013 = Files.copy(PluginJars.built("office2013"), dir.resolve("office2013.jar"));
        assertThat(host.load(office2013)).isPresent();
    }

    @Test
    void aNewcomerCannotTakeTheFamilyIdOfAnInstalledPlugin() throws Exception {
        Files.copy(PluginJars.built("office2013"), dir.resolve("office2013.jar"));
        host = new PluginHost(dir, new FamilyRegistry(), new CatalogReader());
        assertThat(host.load(dir.resolve("office2013.jar"))).isPresent();
        Path copy = Files.copy(dir.resolve("office2013.jar"), dir.resolve("a-office2013-copy.jar"));

        assertThat(host.load(copy)).isEmpty();
        host.rescan();

        assertThat(host.registry().families())
                .singleElement()
                .satisfies(f -> assertThat(f.source())
                        .contains(dir.resolve("office2013.jar").toAbsolutePath().normalize()));
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.jar().getFileName().toString()).isEqualTo("a-office2013-copy.jar");
            assertThat(p.reason())
                    .isEqualTo("plugin id office2013 is in two jars: office2013.jar (loaded, kept) and "
                            + "a-office2013-copy.jar; remove one");
        });
    }
}
