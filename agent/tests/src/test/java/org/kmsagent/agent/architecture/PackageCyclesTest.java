package org.kmsagent.agent.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's and plugin-api's main code is layered: no package depends, directly or through others, on a package
 * that depends back on it (docs/architecture.md, "Packages"). Read from the compiled classes of every module on
 * this module's class path (it depends on all of them), so a cycle fails the build with the loop and the classes
 * that make it.
 */
class PackageCyclesTest {
    /**
     * The packages checked: the agent's (org.kmsagent.agent.*) and the plugin API's (org.kmsagent.api.*). The
     * plugin-testkit (org.kmsagent.testkit, one package, test scope of plugins) is not on this module's path.
     */
    private static final List<String> ROOTS = List.of("org/kmsagent/agent", "org/kmsagent/api");

    /** One package of each module, so the check cannot pass by reading nothing (a module missing from the path). */
    private static final List<String> ONE_PER_MODULE = List.of(
            "org.kmsagent.api",
            "org.kmsagent.agent.rules",
            "org.kmsagent.agent.licensing.simulated",
            "org.kmsagent.agent.licensing.slc",
            "org.kmsagent.agent.windows.service",
            "org.kmsagent.agent.bus",
            "org.kmsagent.agent.daemon",
            "org.kmsagent.agent.hub",
            "org.kmsagent.agent.simulate",
            "org.kmsagent.agent.simulate.command",
            "org.kmsagent.agent.report",
            "org.kmsagent.agent.cli",
            "org.kmsagent.agent.bench");

    @Test
    void mainCodeHasNoPackageCycles() throws Exception {
        PackageGraph graph = mainCodeGraph();
        assertThat(graph.packages()).containsAll(ONE_PER_MODULE);

        List<String> found = graph.cycles().stream().map(graph::explain).toList();
        assertThat(found)
                .as("package cycles in the main code (break each by moving the class that closes the loop)")
                .isEmpty();
    }

    @Test
    void aCycleIsNamedWithTheClassesThatMakeIt() {
        PackageGraph graph = PackageGraph.of(Map.of(
                "p.a.A", List.of("p.b.B"),
                "p.b.B", List.of("p.c.C"),
                "p.c.C", List.of("p.a.A2"),
                "p.d.D", List.of("p.a.A")));

        assertThat(graph.cycles()).containsExactly(List.of("p.a", "p.b", "p.c", "p.a"));
        assertThat(graph.explain(graph.cycles().get(0))).isEqualTo("""
        p.a -> p.b -> p.c -> p.a
            p.a.A uses p.b.B
            p.b.B uses p.c.C
            p.c.C uses p.a.A2""");
    }

    @Test
    void aLayeredGraphHasNoCycle() {
        PackageGraph graph = PackageGraph.of(Map.of("p.a.A", List.of("p.b.B", "p.c.C"), "p.b.B", List.of("p.c.C")));

        assertThat(graph.cycles()).isEmpty();
    }

    private static PackageGraph mainCodeGraph() throws IOException {
        PackageGraph graph = new PackageGraph();
        Set<String> seen = new TreeSet<>();
        for (String root : ROOTS) {
            for (URL url :
                    Collections.list(PackageCyclesTest.class.getClassLoader().getResources(root))) {
                // This module's own test classes share the packages; they are not main code.
                if (url.toString().contains("/test-classes/")) {
                    continue;
                }
                for (Map.Entry<String, Path> entry : classFiles(url, root).entrySet()) {
                    String name = entry.getKey();
                    Path classFile = entry.getValue();
                    if (!seen.add(name) || name.endsWith("module-info")) {
                        continue;
                    }
                    Set<String> uses;
                    try (InputStream in = Files.newInputStream(classFile)) {
                        uses = ClassReferences.of(in);
                    } catch (IOException e) {
                        throw new IOException(classFile + ": " + e.getMessage(), e);
                    }
                    for (String used : uses) {
                        if (ROOTS.stream().anyMatch(r -> used.startsWith(r + "/"))) {
                            graph.use(binaryName(name), binaryName(used));
                        }
                    }
                }
            }
        }
        return graph;
    }

    /**
     * The class files under one class path location's package directory (a classes directory or a jar), by internal
     * name (org/kmsagent/api/Sku).
     */
    private static Map<String, Path> classFiles(URL url, String root) throws IOException {
        try {
            URI uri = url.toURI();
            Path dir;
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                dir = jar.provider().getPath(uri);
            } else {
                dir = Path.of(uri);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                Path base = dir;
                return files.filter(p -> p.toString().endsWith(".class"))
                        .collect(Collectors.toMap(
                                p -> root + "/"
                                        + base.relativize(p)
                                                .toString()
                                                .replace('\\', '/')
                                                .replaceFirst("\\.class$", ""),
                                p -> p));
            }
        } catch (URISyntaxException e) {
            throw new IOException(url + ": " + e.getMessage(), e);
        }
    }

    /** org/kmsagent/api/Sku$Kind → org.kmsagent.api.Sku (nested classes are in their outer class's package). */
    private static String binaryName(String internalName) {
        int nested = internalName.indexOf('$');
        return (nested < 0 ? internalName : internalName.substring(0, nested)).replace('/', '.');
    }
}
