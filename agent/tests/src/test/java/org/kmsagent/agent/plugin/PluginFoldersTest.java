package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code plugins/<id>/} has the same shape, so that a new family is made by copying one: the folder name is
 * the family id, the module's {@code plugin.id} and artifact id, and the one {@code super("<id>")} in its Java; one
 * family class extending CatalogFamily; its catalog beside it; a README with the fixed headings; and a test on the
 * shared family contract.
 */
class PluginFoldersTest {
    private static final Path PLUGINS = Path.of("..", "..", "plugins");

    static List<Path> pluginFolders() throws IOException {
        try (Stream<Path> dirs = Files.list(PLUGINS)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                    .sorted()
                    .toList();
        }
    }

    @ParameterizedTest
    @MethodSource("pluginFolders")
    void theFolderNameIsTheIdEverywhereItIsGiven(Path folder) throws IOException {
        String id = folder.getFileName().toString();
        String pom = Files.readString(folder.resolve("pom.xml"));
        assertThat(pom).contains("<artifactId>" + id + "</artifactId>").contains("<plugin.id>" + id + "</plugin.id>");
        String pkg = id.replace("-", "");
        List<Path> javas = javaFiles(folder.resolve(Path.of("src", "main", "java", "org", "kmsagent", "plugins", pkg)));
        assertThat(javas).as("one family class in org.kmsagent.plugins." + pkg).hasSize(1);
        String java = Files.readString(javas.get(0));
        assertThat(java).contains("extends CatalogFamily").contains("@Extension");
        Matcher supers = Pattern.compile("super\\(\"([^\"]*)\"\\)").matcher(java);
        assertThat(supers.find()).as("super(\"<id>\")").isTrue();
        assertThat(supers.group(1)).isEqualTo(id);
        assertThat(java.lines().filter(l -> !l.isBlank()).count())
                .as("a few lines of Java")
                .isLessThan(20);
    }

    @ParameterizedTest
    @MethodSource("pluginFolders")
    void theCatalogReadmeAndContractTestAreInTheirPlaces(Path folder) throws IOException {
        String id = folder.getFileName().toString();
        String pkg = id.replace("-", "");
        assertThat(folder.resolve(
                        Path.of("src", "main", "resources", "org", "kmsagent", "plugins", pkg, "catalog.json")))
                .isRegularFile();
        String readme = Files.readString(folder.resolve("README.md"));
        assertThat(readme.lines().findFirst().orElse("")).endsWith("(`" + id + "`)");
        assertThat(readme)
                .contains("\n## Editions\n", "\n## Keys\n", "\n## Threshold classes\n", "\n## Host requirements\n");
        List<Path> tests = javaFiles(folder.resolve(Path.of("src", "test", "java", "org", "kmsagent", "plugins", pkg)));
        assertThat(tests)
                .as("a test on the family contract")
                .anySatisfy(t -> assertThat(Files.readString(t)).contains("extends FamilyContract"));
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }
}
