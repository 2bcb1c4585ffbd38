package org.kmsagent.agent.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kmsagent.agent.command.GlobalOptions;
import org.kmsagent.agent.command.PluginLease;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.core.Installation;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.simulate.command.SimulationWiring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kms-agent bench [--quick] [--only NAME]}: runs every benchmark and prints one table of figures beside the
 * baselines measured in the same run (docs/performance.md). Each benchmark runs in a JVM of its own
 * ({@link BenchmarkProcess}); a figure and its baseline are always measured in the same process.
 */
@TakesGlobalOptions
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Runs the benchmarks and prints figures with ratios against baselines measured in the same run.")
public final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    GlobalOptions root;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Under a minute in all: small sizes (CI runs this).")
    boolean quick;

    @Option(names = "--only", paramLabel = "NAME", description = "Run only these benchmarks.", split = ",")
    List<String> only;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description =
                    "The installation the startup benchmark measures (default: this one), e.g. the machine agent's.")
    Path home;

    static final WholeNumberOption AGENTS = new WholeNumberOption("--agents", "agents", 1, Integer.MAX_VALUE);

    Integer agents;

    @Option(
            names = "--agents",
            paramLabel = "N",
            description =
                    "How many agents fleet-10k connects (default 10,000) and fleet-20k-two-hubs across its two hubs"
                            + " (default 20,000); given, they run even with --quick.")
    void agents(String text) {
        agents = AGENTS.read(spec, text);
    }

    @Option(
            names = "--json",
            description = "Print the figures as JSON ({figures: [...], failed: [...]}) instead of " + "the table.")
    boolean json;

    /** Set on the process of one benchmark ({@link BenchmarkProcess}): run it here, not in yet another process. */
    @Option(names = "--in-this-process", hidden = true)
    boolean inThisProcess;

    private PluginLease plugins;

    /** The plugins directory's families, loaded once for the benchmarks that need them. */
    private PluginHost plugins() {
        if (plugins == null) {
            plugins = root.loadPlugins();
        }
        return plugins.host();
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
        List<Benchmark> all = benchmarks();
        List<String> names = all.stream().map(Benchmark::name).toList();
        for (String name : only != null ? only : List.<String>of()) {
            if (!names.contains(name)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--only: no benchmark is called '" + name + "'; there are " + String.join(", ", names));
            }
        }
        if (home != null && !Files.isRegularFile(home.resolve("bin/kms-agent"))) {
            // Said before anything runs: the startup benchmark found it only in its own process, after the others.
            throw new ParameterException(
                    spec.commandLine(),
                    "--home " + home + ": no kms-agent installation there (no bin/kms-agent); give the folder an"
                            + " archive was unpacked to, e.g. distribution/target/kms-agent-machine");
        }
        List<Benchmark> named = all.stream()
                .filter(b -> only == null || only.contains(b.name()))
                .toList();
        List<Benchmark> selected =
                named.stream().filter(b -> !quick || b.runsWhenQuick()).toList();
        if (only != null && !inThisProcess) {
            // Asked for by name and left out by --quick: said, not dropped without a word with exit 0.
            named.stream()
                    .filter(b -> !selected.contains(b))
                    .forEach(b -> err.println("bench: " + b.name() + " skipped: it does not run with --quick"
                            + (b.name().startsWith("fleet-") ? " unless --agents N sets its size" : "")));
        }
        // Each in a JVM of its own, so that none is measured on what the ones before it left behind, and each with
        // the collector of what it measures (BenchmarkProcess). That process prints the progress line.
        boolean ownProcesses = !inThisProcess;
        List<BenchFigure> figures = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Benchmark b : selected) {
            try {
                if (ownProcesses) {
                    BenchJson.Run run = BenchmarkProcess.run(
                            b, optionsForOne(), root.pluginsDirOption().orElse(null), err);
                    figures.addAll(run.figures());
                    failed.addAll(run.failed());
                } else {
                    // The process id, for whoever wants to attach jcmd or JFR to a long benchmark.
                    err.println("running " + b.name() + (quick ? " (quick)" : "") + " in process "
                            + ProcessHandle.current().pid() + " ...");
                    err.flush();
                    figures.addAll(b.run(quick));
                }
            } catch (Exception e) {
                failed.add(b.name() + ": " + e);
            }
        }
        if (plugins != null) {
            plugins.close();
        }
        if (json) {
            out.println(BenchJson.write(figures, failed));
        } else {
            BenchReport.print(figures, out);
        }
        if (!inThisProcess) {
            // A benchmark's own process reports its failures in its JSON, which this one prints: once.
            failed.forEach(f -> err.println("benchmark failed: " + f));
        }
        err.flush();
        return failed.isEmpty() ? 0 : 1;
    }

    /** This command's options that a benchmark run on its own takes too (all but --only and --json). */
    private List<String> optionsForOne() {
        List<String> options = new ArrayList<>();
        if (quick) {
            options.add("--quick");
        }
        if (home != null) {
            options.addAll(List.of("--home", home.toAbsolutePath().toString()));
        }
        if (agents != null) {
            options.addAll(List.of("--agents", agents.toString()));
        }
        return options;
    }
}
