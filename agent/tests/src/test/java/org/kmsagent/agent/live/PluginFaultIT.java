package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.plugin.PluginJars;

/** A family's plugin that throws at run time is named as the cause, not the licensing service. */
class PluginFaultIT {
    @TempDir
    Path dir;

    @Test
    void anActivateThatCouldNotReadTheProductBecauseThePluginThrewSaysItWasThePlugin() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        String classFile = StatusThrowingFamily.class.getName().replace('.', '/') + ".class";
        PluginJars.variant(
                PluginJars.built("windows-client"),
                plugins.resolve("windows-client.jar"),
                Map.of(
                        classFile,
                        PluginJars.classBytes(StatusThrowingFamily.class),
                        classFile.replace(".class", "$Handler.class"),
                        PluginJars.classBytes(StatusThrowingFamily.Handler.class),
                        "META-INF/extensions.idx",
                        (StatusThrowingFamily.class.getName() + "\n").getBytes(StandardCharsets.UTF_8)),
                Map.of());
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"), "pluginsDir=" + plugins)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !f.renewals("CALL_FAILED").isEmpty());

            List<ActionResult> r = f.agent.activate(Optional.of("windows-client"));

            // Before: "not attempted: the licensing service could not be asked", the plugin's bug in the log only.
            assertThat(r).singleElement().satisfies(a -> {
                assertThat(a.ok()).isFalse();
                assertThat(a.message())
                        .startsWith("not attempted: the family's plugin failed: ")
                        .contains("status not written yet")
                        .doesNotContain("licensing service could not be asked");
            });
        }
    }
}
