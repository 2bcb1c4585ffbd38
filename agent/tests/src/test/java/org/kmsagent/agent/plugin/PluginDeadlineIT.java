package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.fixture.GatedPlugin;
import org.kmsagent.agent.plugin.fixture.HangingPlugin;
import org.kmsagent.agent.plugin.fixture.PluginGate;
import org.slf4j.LoggerFactory;

/** A plugin that never finishes starting is reported and skipped; the agent does not wait for it forever. */
class PluginDeadlineIT {
    @TempDir
    Path dir;

    private PluginHost host;
    private final Logger hostLog = (Logger) LoggerFactory.getLogger(PluginHost.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void close() {
        HangingPlugin.RELEASE.countDown();
        PluginGate.open();
        hostLog.detachAppender(logged);
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
    void aLoadThatReturnsAfterTheDeadlineIsUndoneAndTheSameJarThenLoads() throws Exception {
        String classFile = GatedPlugin.class.getName().replace('.', '/') + ".class";
        // Only the plugin class goes into the jar: its PluginGate comes from the test class path, shared with us.
        Path gated = PluginJars.variant(
                PluginJars.built("office2010"),
                dir.resolve("office2010.jar"),
                Map.of(classFile, PluginJars.classBytes(GatedPlugin.class)),
                Map.of("Plugin-Class", GatedPlugin.class.getName()));
        logged.start();
        hostLog.addAppender(logged);
        host = new PluginHost(dir, new FamilyRegistry(), new CatalogReader());
        host.startDeadline(Duration.ofSeconds(1));
        PluginGate.close();

        assertThat(host.load(gated)).isEmpty();
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("did not load and start within 1 s"));
        assertThat(host.load(gated)).isEmpty();
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.reason())
                        .isEqualTo("plugin id office2010 is still held by the load of office2010.jar, which passed "
                                + "its deadline and has not returned; it is unloaded when it returns, then load this "
                                + "again"));

        PluginGate.open();
        assertThat(PluginGate.awaitStopped(Duration.ofSeconds(20)))
                .as("the plugin that started after the deadline is stopped again")
                .isTrue();
        host.startDeadline(PluginHost.START_DEADLINE);
        // load() waits for the undo to finish: both hold the host's lock.
        assertThat(host.load(gated)).hasValueSatisfying(f -> assertThat(f.id()).isEqualTo("office2010"));
        assertThat(host.problems()).isEmpty();
        assertThat(logged.list)
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains(gated.toAbsolutePath().normalize().toString())
                        .contains("finished loading after its deadline"));
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
