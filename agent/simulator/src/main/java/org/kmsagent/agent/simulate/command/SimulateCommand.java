package org.kmsagent.agent.simulate.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.FileReason;
import org.kmsagent.agent.core.OutputFile;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.report.ReportCollector;
import org.kmsagent.agent.report.SimulationReport;
import org.kmsagent.agent.report.WhatIfSection;
import org.kmsagent.agent.simulate.FleetFlags;
import org.kmsagent.agent.simulate.HostFactory;
import org.kmsagent.agent.simulate.JsonEventWriter;
import org.kmsagent.agent.simulate.LabEvent;
import org.kmsagent.agent.simulate.LabHosts;
import org.kmsagent.agent.simulate.LabSummary;
import org.kmsagent.agent.simulate.Scenario;
import org.kmsagent.agent.simulate.ScenarioException;
import org.kmsagent.agent.simulate.ScenarioReader;
import org.kmsagent.agent.simulate.SimulationLab;
import org.kmsagent.agent.simulate.TimelinePrinter;
import org.kmsagent.agent.simulate.WhatIfChanges;
import org.kmsagent.agent.simulate.WhatIfWatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kms-agent simulate}: runs a lab of one KMS host and a fleet on a virtual clock and prints what happens.
 * Exit codes: 0 done, 1 failed, 2 bad scenario or flags (nothing has run).
 */
@TakesGlobalOptions
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        // One string: picocli wraps each element of a description on its own, so a sentence split over elements
        // printed as ragged lines.
        description =
                "Simulates a KMS host and a fleet of machines on a virtual clock: counts, thresholds, activations,"
                        + " renewals, expiries and errors with their causes. Give a scenario file (YAML or JSON, see"
                        + " docs/simulate.md) or a fleet by flags. Nothing touches the network or this machine's licensing.")
public final class SimulateCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SCENARIO",
            description = "Scenario file (.yaml, .yml or .json).")
    Path scenarioFile;

    static final WholeNumberOption CLIENTS = machines("--clients");
    static final WholeNumberOption SERVERS = machines("--servers");
    static final WholeNumberOption OFFICE_2010 = machines("--office2010");
    static final WholeNumberOption OFFICE_2013 = machines("--office2013");
    /** As a scenario's {@code days}. */
    static final WholeNumberOption DAYS =
            new WholeNumberOption("--days", "days", ScenarioReader.MIN_DAYS, ScenarioReader.MAX_DAYS);

    /** Any seed a scenario's {@code seed} may hold, and the one a run prints ("Seed -42, ..."), negative ones too. */
    static final WholeNumberOption SEED = new WholeNumberOption("--seed", "", Long.MIN_VALUE, Long.MAX_VALUE);

    /** A group of machines by flags: none at all up to the most one fleet may hold. */
    private static WholeNumberOption machines(String name) {
        return new WholeNumberOption(name, "machines", 0, ScenarioReader.MAX_MACHINES);
    }

    Integer clients;
    Integer servers;
    Integer office2010;
    Integer office2013;
    Integer days;
    Long seed;

    @Option(names = "--clients", paramLabel = "N", description = "Windows client machines (fleet by flags).")
    void clients(String text) {
        clients = CLIENTS.read(spec, text);
    }

    @Option(names = "--servers", paramLabel = "N", description = "Windows Server machines (fleet by flags).")
    void servers(String text) {
        servers = SERVERS.read(spec, text);
    }

    @Option(
            names = "--office2010",
            paramLabel = "N",
            description = "More client PCs with Office 2010 Professional Plus.")
    void office2010(String text) {
        office2010 = OFFICE_2010.read(spec, text);
    }

    @Option(
            names = "--office2013",
            paramLabel = "N",
            description = "More client PCs with Office 2013 Professional Plus.")
    void office2013(String text) {
        office2013 = OFFICE_2013.read(spec, text);
    }

    @Option(
            names = "--days",
            paramLabel = "DAYS",
            description = "How many days to simulate, " + ScenarioReader.MIN_DAYS + "-" + ScenarioReader.MAX_DAYS
                    + " (overrides the scenario).")
    void days(String text) {
        days = DAYS.read(spec, text);
    }

    @Option(names = "--seed", paramLabel = "SEED", description = "Random seed (overrides the scenario; default 1).")
    void seed(String text) {
        seed = SEED.readLong(spec, text);
    }

    @Option(
            names = "--faults",
            paramLabel = "RATE",
            description = "Fraction (0 to 1) of licensing calls that fail "
                    + "with transient faults of every kind (service not running, RPC unavailable, SLOpen failed, access denied, "
                    + "WMI busy, hung call), drawn from the seed (replaces the scenario's whole faults: section).")
    String faults; // text, so that a refusal quotes what was typed: "abc", "2"

    @Option(names = "--json", description = "One JSON object per event per line instead of the timeline.")
    boolean json;

    /** Which store the lab host's ledger uses. */
    enum Ledger {
        h2,
        memory
    }

    // No picocli default: without the option the command uses the host it was given (the CLI's is the plain-memory
    // ledger, see SimulationWiring#host), so tests can hand in their own.
    @Option(
            names = "--ledger",
            paramLabel = "h2|memory",
            description = "The host's ledger: memory (plain Java, the default and the fastest) or h2 (an in-memory H2 "
                    + "database); both give the same output.")
    Ledger ledger;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Also write a self-contained HTML report to FILE: "
                    + "per pool, the count against its thresholds, activations and renewals, products by state, and the notable "
                    + "moments.")
    Path report;

    @Option(
            names = "--snapshot",
            paramLabel = "FILE",
            description = "What-if from a fleet snapshot ('kms-agent ctl "
                    + "--hub HOST:PORT fleet snapshot --out FILE'): the fleet as it was, run forward with the changes given; prints "
                    + "when each pool falls below its thresholds and which machines lapse when.")
    Path snapshot;

    @Option(
            names = "--from-hub",
            paramLabel = "HOST:PORT",
            description = "What-if from the fleet a hub sees now: "
                    + "takes its snapshot (as 'ctl --hub HOST:PORT fleet snapshot' does, with --trust/--ca, --token-file, --cert "
                    + "and KMSAGENT_TOKEN) and runs it as --snapshot does.")
    String fromHub;

    @Option(
            names = "--trust",
            paramLabel = "FINGERPRINT",
            description = "With --from-hub: the hub certificate's " + "SHA-256 fingerprint (or KMSAGENT_TRUST).")
    String trust;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            description = "With --from-hub: PEM file of the CA of the hub's " + "certificate.")
    Path ca;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "With --from-hub: a file holding a token " + "(read role); or set KMSAGENT_TOKEN.")
    Path tokenFile;

    @Option(
            names = "--cert",
            paramLabel = "FILE",
            description = "With --from-hub: PEM client certificate (with " + "--cert-key).")
    Path cert;

    @Option(
            names = "--cert-key",
            paramLabel = "FILE",
            description = "With --from-hub: PEM private key for --cert (unencrypted).")
    Path certKey;

    @Option(
            names = "--changes",
            paramLabel = "FILE",
            description = "What-if changes from a YAML file (outages, "
                    + "retire, reimage, removeHostKeys, removeLicensePacks; docs/simulate.md).")
    Path changesFile;

    @Option(
            names = "--outage",
            paramLabel = "[HOST@]FROM+DURATION",
            description = "What-if: the host (the first "
                    + "when not named) is unreachable from FROM for DURATION, e.g. 0+40 or kms01.corp.example@5d+40d (days, or "
                    + "durations like 36h). Repeatable.")
    List<String> outages = new ArrayList<>();

    @Option(
            names = "--retire",
            paramLabel = "PATTERN[@AT]",
            description = "What-if: machines whose name matches "
                    + "PATTERN (* and ?, any case) leave the fleet at AT (default day 0). Repeatable.")
    List<String> retire = new ArrayList<>();

    @Option(
            names = "--reimage",
            paramLabel = "N[@AT]",
            description =
                    "What-if: N machines (the first single machines "
                            + "of the fleet) re-imaged at AT from an image never generalized: unactivated, all with one CMID. Repeatable.")
    List<String> reimage = new ArrayList<>();

    @Option(
            names = "--remove-host-key",
            paramLabel = "NAME|FAMILY",
            description = "What-if: take this host key (or "
                    + "every host key of that family) off the hosts at the start. Repeatable.")
    List<String> removeHostKeys = new ArrayList<>();

    @Option(
            names = "--remove-license-pack",
            paramLabel = "NAME",
            description = "What-if: take this license pack off " + "the hosts at the start. Repeatable.")
    List<String> removeLicensePacks = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final SimulationWiring.FamilySource familySource;
    private final HostFactory hostFactory;

    /** The command as the CLI runs it (see {@link SimulationWiring}). */
    public SimulateCommand() {
        this(SimulationWiring.families(), SimulationWiring.host());
    }

    /** The command with given families and host (tests). */
    public SimulateCommand(SimulationWiring.FamilySource families, HostFactory hosts) {
        this.familySource = families;
        this.hostFactory = hosts;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        try (SimulationWiring.FamilyLease families = familySource.families(spec)) {
            Scenario scenario;
            WhatIfChanges changes = null;
            Path fetched = null;
            try {
                int given = (scenarioFile != null ? 1 : 0) + (snapshot != null ? 1 : 0) + (fromHub != null ? 1 : 0);
                if (given > 1) {
                    throw new ScenarioException(
                            "arguments",
                            List.of("give one of a scenario file, --snapshot FILE and " + "--from-hub HOST:PORT"));
                }
                if (fromHub == null
                        && (trust != null || ca != null || tokenFile != null || cert != null || certKey != null)) {
                    throw new ScenarioException(
                            "arguments",
                            List.of("--trust, --ca, --token-file, --cert and --cert-key go "
                                    + "with --from-hub HOST:PORT"));
                }
                if (fromHub != null) {
                    fetched = HubSnapshot.fetch(spec, this);
                }
                changes = whatIf(fetched);
                scenario = scenario(families.families(), families.failedPlugins(), fetched);
                if (changes != null) {
                    changes.requireHostFor(scenario, source(fetched));
                    scenario = changes.applyTo(scenario, families.families());
                }
            } catch (ScenarioException e) {
                err.println("kms-agent simulate: " + e.getMessage());
                err.flush();
                return 2;
            } catch (HubSnapshot.Failed e) {
                err.println("kms-agent simulate: --from-hub " + fromHub + ": " + e.getMessage());
                err.flush();
                return e.code();
            } finally {
                if (fetched != null) {
                    Files.deleteIfExists(fetched);
                }
            }
            // Before the run, which at a million machines takes minutes: a report that cannot be written is a usage
            // error now, not a failure after the whole timeline has been printed.
            Path reportFile = null;
            if (report != null) {
                try {
                    reportFile = reportTarget(report);
                } catch (ScenarioException e) {
                    err.println("kms-agent simulate: " + e.getMessage());
                    err.flush();
                    return 2;
                }
            }
            return run(
                    scenario,
                    reportFile,
                    err,
                    changes == null ? null : new WhatIfWatch(scenario),
                    changes == null ? List.of() : changes.describe(scenario));
        }
    }

    /** The HTML report: it replaces an earlier report (every one starts {@code <!DOCTYPE html>}), never a scenario. */
    static final OutputFile.Kind REPORT = new OutputFile.Kind(
            "report",
            "report.html",
            "neither empty nor an HTML page (it does not start with <!DOCTYPE html>), so it is no earlier report",
            start -> start.regionMatches(true, 0, "<!DOCTYPE html", 0, "<!DOCTYPE html".length()));

    /**
     * The file {@code --report FILE} writes ({@link OutputFile#target}): a usage error, before the run, when it cannot
     * or may not be written.
     */
    static Path reportTarget(Path given) throws ScenarioException {
        try {
            return OutputFile.target("--report", given, REPORT);
        } catch (OutputFile.Refused e) {
            throw new ScenarioException(e.nameGiven() ? "--report " + given : "--report", List.of(e.getMessage()));
        }
    }

    /** The what-if's changes when this is a what-if (a snapshot, a hub, or changes given), else null. */
    private WhatIfChanges whatIf(Path fetched) throws ScenarioException {
        boolean flags = !outages.isEmpty()
                || !retire.isEmpty()
                || !reimage.isEmpty()
                || !removeHostKeys.isEmpty()
                || !removeLicensePacks.isEmpty();
        if (snapshot == null && fetched == null && changesFile == null && !flags) {
            return null;
        }
        WhatIfChanges c = WhatIfChanges.ofFlags(outages, retire, reimage, removeHostKeys, removeLicensePacks);
        return changesFile == null ? c : WhatIfChanges.read(changesFile).plus(c);
    }

    /** How many scheduler events the last run of this command executed (the million-machine benchmark reads it). */
    public long lastEvents() {
        return lastEvents;
    }

    private long lastEvents;

    /**
     * Whether what this command printed can no longer be written: the reader of its pipe has gone, or the disk behind
     * its file is full. Flushes, once a simulated day, so that a failed write shows.
     */
    private boolean outputLost(PrintWriter out) {
        out.flush();
        return spec.commandLine().getOut().checkError() | System.out.checkError();
    }

    /** Ends a run whose output nobody reads any more, after so many scheduler events. */
    private static final class OutputLost extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long events;

        OutputLost(long events) {
            super(null, null, false, false);
            this.events = events;
        }
    }

    private int run(Scenario scenario, Path reportFile, PrintWriter err, WhatIfWatch whatIf, List<String> changes)
            throws Exception {
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16), false);
        TimelinePrinter timeline = json || whatIf != null ? null : new TimelinePrinter(out, scenario);
        JsonEventWriter jsonWriter = json && whatIf == null ? new JsonEventWriter(out, scenario.start()) : null;
        Consumer<LabEvent> sink = whatIf != null ? whatIf : json ? jsonWriter : timeline;
        ReportCollector collector = report == null ? null : new ReportCollector(scenario);
        if (collector != null) {
            sink = sink.andThen(collector);
        }
        HostFactory hosts = ledger == null
                ? hostFactory
                : ledger == Ledger.memory ? LabHosts.ledgerInPlainMemory() : LabHosts.ledgerInMemory();
        SimulationLab lab = new SimulationLab(scenario, hosts, sink);
        long began = System.nanoTime();
        long[] lastReport = {began};
        LabSummary summary;
        try {
            summary = lab.run((day, total, events) -> {
                if (reportFile == null && outputLost(out)) {
                    throw new OutputLost(events);
                }
                long now = System.nanoTime();
                if (now - lastReport[0] > 1_000_000_000L) {
                    lastReport[0] = now;
                    Runtime rt = Runtime.getRuntime();
                    err.printf(
                            Locale.ROOT,
                            "simulate: day %d of %d, %,d events, heap %,d of %,d MB%n",
                            day,
                            total,
                            events,
                            (rt.totalMemory() - rt.freeMemory()) >> 20,
                            rt.maxMemory() >> 20);
                    err.flush();
                }
            });
        } catch (OutputLost lost) {
            // Nobody reads what is left (`simulate --json | head -5`, or a full disk): stop rather than simulate the
            // rest of a year for nothing. Main tells a reader that stopped early from output lost on a disk.
            lastEvents = lost.events;
            return 0;
        } catch (OutOfMemoryError e) {
            lab = null;
            out.flush(); // whole lines only: an event the error stopped half-way was never written (JsonEventWriter)
            err.printf(
                    Locale.ROOT,
                    "kms-agent simulate: the simulation ran out of memory (heap limit %,d MB). Give it more"
                            + " with KMSAGENT_JAVA_OPTS=-Xmx2g (a million machines for a year need about -Xmx8g), or simulate fewer"
                            + " machines or days.%n",
                    Runtime.getRuntime().maxMemory() >> 20);
            err.flush();
            return 1;
        }
        lastEvents = summary.events();
        if (timeline != null) {
            timeline.finish(summary, scenario.start().plus(scenario.length()));
            if (scenario.faults().enabled()) {
                long[] fc = lab.faultCounts();
                out.printf(
                        Locale.ROOT,
                        "Faults injected: %,d of %,d licensing calls failed (%s), %,d hung (%s); plan: %s; loops ended:"
                                + " %d%n",
                        fc[1],
                        fc[0],
                        share(fc[1], fc[0]),
                        fc[2],
                        share(fc[2], fc[0]),
                        scenario.faults(),
                        lab.endedLoops().size());
            }
        }
        if (whatIf != null && json) {
            out.println(new ObjectMapper().writeValueAsString(whatIf.json(changes)));
        } else if (whatIf != null) {
            whatIf.print(out, changes);
        }
        out.flush();
        if (collector != null) {
            collector.finish(scenario.start().plus(scenario.length()));
            try {
                SimulationReport.write(
                        reportFile,
                        scenario,
                        collector,
                        summary,
                        whatIf == null ? "" : WhatIfSection.html(whatIf, changes));
            } catch (IOException e) {
                err.println("kms-agent simulate: --report " + report + ": cannot write: " + FileReason.of(e));
                err.flush();
                return 1;
            }
            err.println("simulate: report written to " + report);
            err.flush();
        }
        if (System.nanoTime() - began > 1_000_000_000L) {
            err.printf(
                    Locale.ROOT,
                    "simulate: done, %,d events in %.1f s%n",
                    summary.events(),
                    (System.nanoTime() - began) / 1e9);
            err.flush();
        }
        return 0;
    }

    /** The scenario from the file or the flags, fully validated; overrides applied. */
    Scenario scenario(List<LoadedFamily> families) throws ScenarioException {
        return scenario(families, List.of(), null);
    }

    private Scenario scenario(List<LoadedFamily> families, List<PluginProblem> failedPlugins, Path fetched)
            throws ScenarioException {
        ScenarioReader reader = new ScenarioReader(families, failedPlugins);
        Path scenarioFile = fetched != null ? fetched : snapshot != null ? snapshot : this.scenarioFile;
        boolean fleetFlags = clients != null || servers != null || office2010 != null || office2013 != null;
        List<String> problems = new ArrayList<>();
        if (scenarioFile != null && fleetFlags) {
            problems.add(
                    "give either a scenario file or fleet flags (--clients, --servers, --office2010, --office2013), "
                            + "not both");
        }
        if (scenarioFile == null && !fleetFlags) {
            problems.add("give a scenario file (e.g. scenarios/worked-example.yaml) or a fleet, e.g. --clients 30 "
                    + "--servers 6");
        }
        if (!problems.isEmpty()) {
            // The command's own prefix ("kms-agent simulate: ") already names it; say where the problem is instead.
            throw new ScenarioException("arguments", problems);
        }
        Scenario s = fetched != null
                ? fromHub(reader, fetched)
                : scenarioFile != null
                        ? reader.read(scenarioFile)
                        : new FleetFlags(clients, servers, office2010, office2013)
                                .scenario(reader, families, seed, days);
        s = s.with(Optional.ofNullable(seed), Optional.ofNullable(days).map(d -> Duration.ofDays(d)));
        if (faults != null) {
            s = s.withFaults(FaultyStack.Plan.everyKind(faultRate(faults)));
        }
        return s;
    }

    /** {@code --faults}: a fraction from 0 to 1 (0.05, 5e-2), else a usage error quoting what was given. */
    static double faultRate(String text) throws ScenarioException {
        double rate;
        try {
            rate = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            rate = Double.NaN;
        }
        if (!(rate >= 0 && rate <= 1)) { // NaN too
            throw new ScenarioException(
                    "--faults", List.of("expected a number from 0 to 1, got " + BoundedInput.shown(text)));
        }
        return rate;
    }

    /** {@code part} of {@code whole} as a percentage with one decimal; never 0% for a part above zero. */
    private static String share(long part, long whole) {
        if (part == 0 || whole == 0) {
            return "0%";
        }
        double pct = 100.0 * part / whole;
        return pct < 0.1 ? "<0.1%" : String.format(Locale.ROOT, "%.1f%%", pct);
    }

    /** What the scenario was read from, as the user gave it: the hub for {@code --from-hub}, else the file. */
    private String source(Path fetched) {
        return fetched != null
                ? "the snapshot of " + fromHub
                : String.valueOf(snapshot != null ? snapshot : scenarioFile);
    }

    /** The hub's snapshot, its problems named after the hub rather than the temporary file. */
    private Scenario fromHub(ScenarioReader reader, Path fetched) throws ScenarioException {
        try {
            return reader.parse("the snapshot of " + fromHub, Files.readString(fetched), false);
        } catch (IOException e) {
            throw new ScenarioException("the snapshot of " + fromHub, List.of("cannot read: " + e.getMessage()));
        }
    }
}
