package org.kmsagent.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.kmsagent.agent.plugin.CatalogReader;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.PluginHost;

/**
 * Plugin load time per plugin: loading, starting, validating and admitting one plugin jar, beside the baseline of
 * opening the same jar and reading its manifest (the least any loader must do).
 */
public final class PluginLoadBenchmark implements Benchmark {
    private final Path pluginsDirectory;

    public PluginLoadBenchmark(Path pluginsDirectory) {
        this.pluginsDirectory = pluginsDirectory;
    }

    @Override
    public String name() {
        return "plugin-load";
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        List<Path> jars;
        try (Stream<Path> files = Files.list(pluginsDirectory)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("no plugin jars in " + pluginsDirectory);
        }
        int rounds = quick ? 5 : 40;
        // Warm up the class loading of the core's own code so that the first plugin does not pay for it.
        loadAll(jars);
        List<BenchFigure> figures = new ArrayList<>();
        for (Path jar : jars) {
            double load = median(rounds, () -> loadOne(jar));
            double manifest = median(rounds, () -> readManifest(jar));
            String plugin = jar.getFileName().toString().replaceFirst("-[0-9].*", "");
            figures.add(new BenchFigure(
                    name(),
                    "load " + plugin,
                    load,
                    "ms",
                    "open jar + read manifest",
                    manifest,
                    false,
                    OptionalDouble.empty()));
        }
        return figures;
    }

    private void loadAll(List<Path> jars) {
        try (PluginHost host = new PluginHost(pluginsDirectory, new FamilyRegistry(), new CatalogReader())) {
            host.rescan();
        }
    }

    private void loadOne(Path jar) {
        try (PluginHost host = new PluginHost(jar.getParent(), new FamilyRegistry(), new CatalogReader())) {
            if (host.load(jar).isEmpty()) {
                throw new IllegalStateException("plugin did not load: " + host.problems());
            }
        }
    }

    private static void readManifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getManifest() == null) {
                throw new IllegalStateException("no manifest in " + jar);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(int rounds, Runnable body) {
        double[] ms = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return Median.of(ms);
    }
}
