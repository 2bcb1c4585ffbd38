package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.kmsagent.agent.testsupport.Mutations;

/**
 * Fuzzes the configuration loader with the shipped agent.yaml and hub.yaml, damaged, as text and as bytes (not
 * always UTF-8): every file either loads or fails with a {@link ConfigException} whose every line says where
 * ("key: ..." or "file: ..."); no other exception. Seeds fixed, tries bounded.
 */
class ConfigLoaderFuzzTest {
    private static final Path DIST = Path.of("..", "..", "distribution", "src", "main", "conf");
    private static final List<String> SEEDS = List.of(
            read(DIST.resolve("agent.yaml")),
            read(DIST.resolve("hub.yaml")),
            "bridge:\n  port: 7688\n  tokens:\n    - name: ops\n      token: ${KMSAGENT_T}\n      role: admin\n");
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("config-fuzz");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Property(tries = 400, seed = "1321")
    void damagedYamlLoadsOrFailsWithAConfigExceptionSayingWhere(@ForAll("texts") String text) throws IOException {
        Path file = dir.resolve("agent.yaml");
        Files.write(file, text.getBytes(StandardCharsets.UTF_8)); // a lone surrogate becomes '?'
        check(file);
    }

    @Property(tries = 150, seed = "1322")
    void damagedBytesLoadOrFailWithAConfigExceptionSayingWhere(@ForAll("bytes") byte[] bytes) throws IOException {
        Path file = dir.resolve("agent.yaml");
        Files.write(file, bytes);
        check(file);
    }

    private static void check(Path file) {
        try {
            new ConfigLoader(Map.of("KMSAGENT_T", "a-token-of-sixteen-chars")).load(Optional.of(file), List.of());
        } catch (ConfigException e) {
            assertThat(e.errors())
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line).contains(": ").doesNotStartWith(": "));
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Mutations.damaged(SEEDS);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Mutations.damagedBytes(SEEDS);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
