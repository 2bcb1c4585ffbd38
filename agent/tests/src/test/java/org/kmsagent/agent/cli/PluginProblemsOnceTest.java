package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.plugin.fixture.ThrowingFamily;
import org.kmsagent.agent.plugin.fixture.ThrowingPlugin;

/**
 * A plugin jar that does not load is told once on standard error, as the {@code warning: plugin not loaded} line,
 * not a second time as a logged ERROR line. A real process, so that the logging set up for commands other than
 * {@code run} is the one a user gets.
 */
class PluginProblemsOnceTest {
    @TempDir
    Path dir;

    @Test
    void productsPrintsAJarThatDoesNotLoadOnceAsAWarning() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("broken.jar"), "not a jar");

        for (List<String> args : List.of(List.of("products"), List.of("products", "--json"))) {
            List<String> argv = new ArrayList<>(List.of("--plugins-dir", plugins.toString()));
            argv.addAll(args);
            KmsAgentProcess run = KmsAgentProcess.run(dir, argv);
            List<String> told =
                    run.err().lines().filter(l -> l.contains("broken.jar")).toList();
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(told)
                    .as(String.join(" ", args))
                    .containsExactly("warning: plugin not loaded: broken.jar: not a jar (zip) file: zip END header not"
                            + " found");
        }
    }

    @Test
    void productsTellsAFamilyThatCannotBeCreatedByItsCauseAndAZipBesideTheJarsWithoutAStackTrace() throws Exception {
        // PF4J's "ERROR ... Cannot retrieve extension" and about twenty lines of stack trace came first, and the
        // cause was in no warning; acme.zip was skipped without a word.
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.writeWithExtension(plugins.resolve("acme.jar"), "acme-suite", ThrowingFamily.class);
        Files.write(plugins.resolve("acme.zip"), new byte[] {1, 2, 3});
        Files.writeString(plugins.resolve("README.txt"), "the plugins folder");

        KmsAgentProcess run =
                KmsAgentProcess.run(dir, List.of("--plugins-dir", plugins.toString(), "products", "--json"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err().lines().filter(l -> l.contains("acme")))
                .containsExactly(
                        "warning: plugin not loaded: acme.jar (plugin acme-suite): " + ThrowingFamily.class.getName()
                                + " could not be created: IllegalStateException: boom in constructor",
                        "warning: acme.zip: not a plugin jar; plugins load from .jar files only");
        assertThat(run.err()).doesNotContain("Exception\n", "\tat ", "org.pf4j", "README");
        // The JSON a script reads: the zip under "skipped" (it was in no part of it), and no failed plugin.
        JsonObject json = new JsonObject(run.out());
        assertThat(json.getJsonArray("problems"))
                .singleElement()
                .satisfies(p -> assertThat(((JsonObject) p).getString("jar")).isEqualTo("acme.jar"));
        assertThat(json.getJsonArray("skipped", new JsonArray()))
                .containsExactly(new JsonObject()
                        .put("file", "acme.zip")
                        .put("reason", "not a plugin jar; plugins load from .jar files only"));
    }

    @Test
    void productsTellsAPluginClassWhoseConstructorThrowsInOneLineWithoutAStackTrace() throws Exception {
        // PF4J's ERROR line and the constructor's stack trace came first, then the warning blamed start() with PF4J's
        // own NullPointerException.
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.writeWithPluginClass(plugins.resolve("acme-suite-1.0.0.jar"), "acme-suite", ThrowingPlugin.class);

        KmsAgentProcess run = KmsAgentProcess.run(dir, List.of("--plugins-dir", plugins.toString(), "products"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err().lines().filter(l -> !l.isBlank()))
                .containsExactly("warning: plugin not loaded: acme-suite-1.0.0.jar (plugin acme-suite): "
                        + ThrowingPlugin.class.getName() + " could not be created: IllegalStateException: boom in"
                        + " constructor");
    }
}
