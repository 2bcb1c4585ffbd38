package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.kmsagent.agent.testsupport.Mutations;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * Fuzzes the catalog reader with the bundled families' catalog.json files, damaged, as text and as bytes: every
 * document either reads or fails with a {@link CatalogException} whose message starts with "catalog" and names the
 * field or the place; no other exception. Seeds fixed, tries bounded.
 */
class CatalogReaderFuzzTest {
    private static final List<String> SEEDS =
            List.of(read("windows-client"), read("windows-server"), read("office2013"), read("office2021"));
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("catalog-fuzz");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        Files.deleteIfExists(dir.resolve("catalog.json"));
        Files.delete(dir);
    }

    @Property(tries = 400, seed = "1331")
    void damagedCatalogsReadOrFailWithACatalogException(@ForAll("texts") String text) throws IOException {
        Files.write(dir.resolve("catalog.json"), text.getBytes(StandardCharsets.UTF_8));
        check();
    }

    @Property(tries = 150, seed = "1332")
    void damagedCatalogBytesReadOrFailWithACatalogException(@ForAll("bytes") byte[] bytes) throws IOException {
        Files.write(dir.resolve("catalog.json"), bytes);
        check();
    }

    private static void check() throws IOException {
        try {
            new CatalogReader().read("fuzz", dir.resolve("catalog.json").toUri().toURL());
        } catch (CatalogException e) {
            assertThat(e.getMessage()).startsWith("catalog").contains(":");
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

    private static String read(String family) {
        try {
            return Files.readString(TestFamilies.catalogFile(family));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
