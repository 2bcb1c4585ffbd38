package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.fixture.ExplodingPlugin;
import org.kmsagent.agent.plugin.fixture.KeyInMessagePlugin;
import org.kmsagent.agent.plugin.fixture.LibraryFamily;
import org.kmsagent.agent.plugin.fixture.PrivateLibrary;
import org.kmsagent.agent.plugin.fixture.ThrowingFamily;
import org.kmsagent.agent.plugin.fixture.ThrowingPlugin;
import org.slf4j.LoggerFactory;

/**
 * What a third-party plugin author reads when a jar does not load: the reason names what went wrong (the class, the
 * exception's type, the plugin id), and PF4J's stack traces stay out. Jars written from nothing, with test classes
 * in them, as a plugin author's build would have made them.
 */
class PluginHostReasonsTest {
    private static final String LIBRARY = PrivateLibrary.class.getName().replace('.', '/');

    @TempDir
    Path dir;

    private PluginHost host;
    private final Logger pf4jLog = (Logger) LoggerFactory.getLogger("org.pf4j");
    private final ListAppender<ILoggingEvent> pf4jLogged = new ListAppender<>();

    @BeforeEach
    void listen() {
        pf4jLogged.start();
        pf4jLog.addAppender(pf4jLogged);
    }

    @AfterEach
    void close() {
        pf4jLog.detachAppender(pf4jLogged);
        if (host != null) {
            host.close();
        }
    }

    private PluginHost host() {
        if (host != null) {
            host.close();
        }
        host = new PluginHost(dir, new FamilyRegistry(), new CatalogReader());
        return host;
    }

    /** acme.jar, plugin acme-suite 1.0.0, these manifest attributes added and these entries in it. */
    private void acmeJar(Map<String, String> manifest, Map<String, byte[]> entries) throws Exception {
        Map<String, String> mf = new HashMap<>(Map.of("Plugin-Id", "acme-suite", "Plugin-Version", "1.0.0"));
        mf.putAll(manifest);
        PluginJars.write(dir.resolve("acme.jar"), mf, entries);
    }

    /** acme.jar whose one extension is {@code family}, its class file as given. */
    private void acmeJarWithFamily(Class<?> family, byte[] classFile) throws Exception {
        acmeJar(Map.of(), PluginJars.extension(family, classFile));
    }

    /** acme.jar whose {@code Plugin-Class} is {@code pluginClass}, the one class in it. */
    private void acmeJarWithPluginClass(Class<?> pluginClass) throws Exception {
        PluginJars.writeWithPluginClass(dir.resolve("acme.jar"), "acme-suite", pluginClass);
    }

    /** The one problem's message after a scan of the folder. */
    private String onlyProblem() {
        host().rescan();
        assertThat(host.registry().families()).isEmpty();
        assertThat(host.problems()).hasSize(1);
        return host.problems().get(0).message();
    }

    /** A class file with one class name in it replaced by another of the same length (so it stays valid). */
    private static byte[] renamed(byte[] classFile, String from, String to) {
        assertThat(to).hasSameSizeAs(from);
        String bytes = new String(classFile, StandardCharsets.ISO_8859_1);
        assertThat(bytes).contains(from);
        return bytes.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aFamilyWhoseConstructorThrowsIsNamedWithTheCauseAndPf4jLogsNoStackTrace() throws Exception {
        // PF4J logged "Cannot retrieve extension" with its stack trace on standard error of every command, and the
        // agent said only that the jar contributes no ProductFamily extension.
        acmeJarWithFamily(ThrowingFamily.class, PluginJars.classBytes(ThrowingFamily.class));

        assertThat(onlyProblem())
                .isEqualTo("acme.jar (plugin acme-suite): " + ThrowingFamily.class.getName()
                        + " could not be created: IllegalStateException: boom in constructor");
        assertThat(pf4jLogged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void aLibraryMissingFromTheJarIsNamedAsSuch() throws Exception {
        // Said as "org/apache/commons/lang3/StringUtils: org.apache.commons.lang3.StringUtils".
        String missing = LIBRARY.replace("PrivateLibrary", "MissingLibrary");
        acmeJarWithFamily(LibraryFamily.class, renamed(PluginJars.classBytes(LibraryFamily.class), LIBRARY, missing));

        assertThat(onlyProblem())
                .isEqualTo("acme.jar (plugin acme-suite): " + LibraryFamily.class.getName() + " could not be created:"
                        + " class " + missing.replace('/', '.') + " not found (NoClassDefFoundError): a library the"
                        + " plugin uses is missing from the jar (unpack its private dependencies into it,"
                        + " docs/plugin-guide.md)");
    }

    @Test
    void aClassOfANewerPluginApiIsNamedAsSuch() throws Exception {
        String api = "org/kmsagent/api/Telemetry";
        String newer = api + "_".repeat(LIBRARY.length() - api.length());
        acmeJarWithFamily(LibraryFamily.class, renamed(PluginJars.classBytes(LibraryFamily.class), LIBRARY, newer));

        assertThat(onlyProblem())
                .endsWith(" could not be created: class " + newer.replace('/', '.') + " not found"
                        + " (NoClassDefFoundError): the plugin was built against a plugin API newer than this agent's "
                        + PluginHost.API_VERSION);
    }

    @Test
    void aStartThatThrowsIsSaidToBeStartsWithTheExceptionsType() throws Exception {
        // Said as "licence store unreadable (test fixture)" alone.
        acmeJarWithPluginClass(ExplodingPlugin.class);

        assertThat(onlyProblem())
                .isEqualTo("acme.jar (plugin acme-suite): " + ExplodingPlugin.class.getName() + ".start() failed:"
                        + " IllegalStateException: licence store unreadable (test fixture)");
    }

    @Test
    void aPluginClassWhoseConstructorThrowsIsNamedWithTheCauseAndPf4jLogsNoStackTrace() throws Exception {
        // PF4J logged the constructor's exception with its stack trace on standard error of every command, then
        // failed with a NullPointerException of its own, which was the reason given (".start() failed:
        // NullPointerException: ...").
        acmeJarWithPluginClass(ThrowingPlugin.class);

        assertThat(onlyProblem())
                .isEqualTo("acme.jar (plugin acme-suite): " + ThrowingPlugin.class.getName()
                        + " could not be created: IllegalStateException: boom in constructor");
        assertThat(pf4jLogged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void aPluginsOwnMessageIsOneLineWithAnyKeyInItMasked() throws Exception {
        // The reason goes to the banner, ctl plugins, the hub's view and the log: a plugin author's message is not
        // trusted to be one line or free of a key.
        acmeJarWithPluginClass(KeyInMessagePlugin.class);

        assertThat(onlyProblem())
                .isEqualTo("acme.jar (plugin acme-suite): " + KeyInMessagePlugin.class.getName()
                        + " could not be created: IllegalStateException: MAK XXXXX-XXXXX-XXXXX-XXXXX-6789B rejected;"
                        + " second line");
    }

    @Test
    void aPluginClassThatIsNoPluginIsNamedAsSuch() throws Exception {
        // PF4J logged "The plugin class '...' is not valid" at ERROR, then failed with its NullPointerException.
        acmeJarWithPluginClass(PrivateLibrary.class);

        assertThat(onlyProblem())
                .isEqualTo("acme.jar (plugin acme-suite): Plugin-Class " + PrivateLibrary.class.getName()
                        + " does not extend org.pf4j.Plugin (name the plugin's own subclass of it, or leave"
                        + " Plugin-Class out)");
        assertThat(pf4jLogged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void aPluginClassMissingFromTheJarIsNamedAndPf4jLogsNoStackTrace() throws Exception {
        acmeJar(Map.of("Plugin-Class", "com.example.Nope"), Map.of());

        assertThat(onlyProblem())
                .isEqualTo("acme.jar (plugin acme-suite): Plugin-Class com.example.Nope is not in the jar");
        assertThat(pf4jLogged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void aRefusedManifestNamesItsValidPluginId() throws Exception {
        // docs/plugin-guide.md gives "<jar> (plugin <id>): <reason>"; these three left the id out.
        acmeJar(Map.of("Plugin-Version", "banana"), Map.of());
        assertThat(onlyProblem()).startsWith("acme.jar (plugin acme-suite): Plugin-Version 'banana' is not a SemVer");

        acmeJar(Map.of("Plugin-Requires", "banana"), Map.of());
        assertThat(onlyProblem()).startsWith("acme.jar (plugin acme-suite): Plugin-Requires 'banana' is not a version");

        acmeJar(Map.of(), Map.of("org/kmsagent/api/Sku.class", new byte[] {(byte) 0xCA, (byte) 0xFE}));
        assertThat(onlyProblem())
                .startsWith("acme.jar (plugin acme-suite): the jar holds the plugin API's own classes");
    }

    @Test
    void aZipOrAFolderIsToldAsNoPluginJarAndFailsNoPlugin() throws Exception {
        Files.write(dir.resolve("acme.zip"), new byte[] {1, 2, 3});
        Files.createDirectories(dir.resolve("acme"));
        Files.createDirectories(dir.resolve("somedir.jar"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve("README.txt"), "the plugins folder");
        Files.writeString(dir.resolve("acme.jar.bak"), "an old copy");
        host().rescan();

        assertThat(host.skipped())
                .extracting(SkippedFile::message)
                .containsExactly(
                        "acme: a folder, not a plugin jar; plugins load from the .jar files directly in the plugins"
                                + " folder",
                        "acme.zip: not a plugin jar; plugins load from .jar files only",
                        "somedir.jar: a folder, not a plugin jar; plugins load from the .jar files directly in the"
                                + " plugins folder");
        assertThat(host.problems()).as("no plugin failed").isEmpty();

        Files.delete(dir.resolve("acme.zip"));
        host.rescan();
        assertThat(host.skipped()).hasSize(2);
    }
}
