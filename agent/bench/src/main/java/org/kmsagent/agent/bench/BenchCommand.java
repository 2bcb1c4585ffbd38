package org.kmsagent.agent.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kmsagent.agent.core.GlobalOptions;
import org.kmsagent.agent.core.Installation;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.simulate.command.SimulationWiring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kms-agent bench [--quick] [--only NAME]}: runs every benchmark and prints one table of figures beside the
 * baselines measured in the same run (docs/performance.md).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run the benchmarks and print figures with ratios against baselines measured in the same run.")
public final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    GlobalOptions root;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "A few seconds in all: small sizes (CI runs this).")
    boolean quick;

    @Option(names = "--only", paramLabel = "NAME", description = "Run only these benchmarks.", split = ",")
    List<String> only;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description =
                    "The installation the startup benchmark measures (default: this one), e.g. the machine agent's.")
    Path home;

    @Option(
            names = "--agents",
            paramLabel = "N",
            description =
                    "How many agents fleet-10k connects (default 10,000) and fleet-20k-two-hubs across its two hubs"
                            + " (default 20,000); given, they run even with --quick.")
    Integer agents;

    @Option(
            names = "--json",
            description = "Print the figures as JSON ({figures: [...], failed: [...]}) instead of " + "the table.")
    boolean json;

    private PluginHost plugins;

    /** The plugins directory's families, loaded once for the benchmarks that need them. */
    private PluginHost plugins() {
        if (plugins == null) {
            plugins = root.loadPlugins();
        }
        return plugins;
    }

    /** Every benchmark, in the order the table shows them. */
    private List<Benchmark> benchmarks() {
        return List.of(
                new PluginLoadBenchmark(root.pluginsDirectory()),
                new LedgerBenchmark(),
                new SimulationBenchmark(() -> plugins().registry().families(), SimulationWiring.host()),
                new MillionBenchmark(() -> plugins().registry().families()),
                new BridgeBenchmark(),
                new FleetBenchmark(),
                new FleetBenchmark("fleet-10k", agents != null ? agents : 10_000, agents != null),
                new FleetBenchmark("fleet-20k-two-hubs", agents != null ? agents : 20_000, agents != null, 2),
                new StartupBenchmark(home != null ? home.toAbsolutePath() : Installation.home()));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<BenchFigure> figures = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Benchmark b : benchmarks()) {
            if (only != null && !only.contains(b.name())) {
                continue;
            }
            err.println("running " + b.name() + (quick ? " (quick)" : "") + " ...");
            err.flush();
            try {
                figures.addAll(b.run(quick));
            } catch (Exception e) {
                failed.add(b.name() + ": " + e);
            }
        }
        if (plugins != null) {
            plugins.close();
        }
        if (json) {
            JsonArray rows = new JsonArray();
            for (BenchFigure f : figures) {
                rows.add(new JsonObject()
                        .put("benchmark", f.benchmark())
                        .put("figure", f.figure())
                        .put("value", f.value())
                        .put("unit", f.unit())
                        .put("baseline", f.baselineName())
                        .put("baselineValue", f.baseline())
                        .put("higherIsBetter", f.higherIsBetter())
                        .put(
                                "targetRatio",
                                f.targetRatio().isPresent() ? f.targetRatio().getAsDouble() : null));
            }
            out.println(new JsonObject()
                    .put("figures", rows)
                    .put("failed", new JsonArray(failed))
                    .encodePrettily());
        } else {
            BenchReport.print(figures, out);
        }
        failed.forEach(f -> err.println("benchmark failed: " + f));
        err.flush();
        return failed.isEmpty() ? 0 : 1;
    }
}
