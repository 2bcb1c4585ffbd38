package org.kmsagent.agent.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.renewal.MakFallbackPolicy;
import org.kmsagent.agent.simulate.ScenarioFile.GroupFile;
import org.kmsagent.agent.simulate.ScenarioFile.HostFile;
import org.kmsagent.agent.simulate.ScenarioFile.MakFile;
import org.kmsagent.api.ProductKey;

/**
 * Reads and fully validates a scenario file against the loaded families before anything runs: a syntax error names
 * the line and column, a wrong value names its field path ({@code machines[2].edition}); every problem found is
 * reported at once. The file is read as every file of the simulator is ({@link SimulatorFile}); its hosts, groups and
 * present each have a reader of their own ({@link HostPlanReader}, {@link MachineGroupReader}, {@link PresentReader}),
 * and the rest (days, start, snapshots, MAK fallback, faults) is read here.
 */
public final class ScenarioReader {
    /** When the virtual clock starts unless a scenario says otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T08:00:00Z");
    /**
     * The earliest and latest start of a run: with the longest durations ({@link Durations#MAX}) and clock skews
     * ({@link MachineGroupReader#MAX_SCENARIO_CLOCK_SKEW}) added, every time of a run stays far inside what the clock and the request encoding
     * hold.
     */
    static final Instant EARLIEST_START = Instant.parse("1970-01-01T00:00:00Z");

    static final Instant LATEST_START = Instant.parse("9999-12-31T23:59:59Z");
    /** The most machines one fleet may hold, in all its groups. */
    public static final int MAX_MACHINES = 1_000_000;
    /** How many days a run may last: at least one, at most ten years. */
    public static final int MIN_DAYS = 1;

    public static final int MAX_DAYS = 3650;
    /** The largest scenario file read; real ones are a few KiB. */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    private final List<LoadedFamily> families;
    private final ScenarioFamilies known;
    private final HostPlanReader hostReader;
    private final MachineGroupReader groupReader;

    public ScenarioReader(List<LoadedFamily> families) {
        this(families, List.of());
    }

    /**
     * A reader of scenarios against {@code families}, where {@code failedPlugins} are the plugins that failed to load
     * (printed above by the command): a scenario naming the family of one is told that its plugin failed.
     */
    public ScenarioReader(List<LoadedFamily> families, List<PluginProblem> failedPlugins) {
        this.known = new ScenarioFamilies(families, failedPlugins);
        this.families = known.loaded();
        this.hostReader = new HostPlanReader(this.families);
        this.groupReader = new MachineGroupReader(known);
    }

    /** Reads and validates a scenario file. */
    public Scenario read(Path file) throws ScenarioException {
        String source = file.toString();
        String text = SimulatorFile.text(file, MAX_FILE_BYTES);
        return parse(source, text, !file.toString().toLowerCase(Locale.ROOT).endsWith(".json"));
    }

    /** Parses and validates scenario text (YAML, or JSON when {@code yaml} is false). */
    public Scenario parse(String source, String text, boolean yaml) throws ScenarioException {
        SimulatorFile.Read<ScenarioFile> read = SimulatorFile.bind(source, text, yaml, ScenarioFile.class);
        if (read.value().isEmpty()) {
            throw new ScenarioException(source, read.problems(List.of()));
        }
        return validate(source, read.value().get(), read);
    }

    /** Validates a scenario given as values (the command-line flags build one). */
    Scenario validate(String source, ScenarioFile f) throws ScenarioException {
        return validate(source, f, null);
    }

    /** Validates the values read from a file ({@code read}; null for the flags' values), with its problems. */
    private Scenario validate(String source, ScenarioFile f, SimulatorFile.Read<ScenarioFile> read)
            throws ScenarioException {
        List<FieldProblem> problems = new ArrayList<>();
        long seed = f.seed() == null ? 1L : f.seed();
        int days = f.days() == null ? 90 : f.days();
        if (days < MIN_DAYS || days > MAX_DAYS) {
            problems.add(FieldProblem.outOfRange("days", days, MIN_DAYS, MAX_DAYS));
        }
        Instant start = DEFAULT_START;
        if (f.start() != null) {
            try {
                Instant s = Instant.parse(f.start());
                if (s.isBefore(EARLIEST_START) || s.isAfter(LATEST_START)) {
                    problems.add(new FieldProblem(
                            "start",
                            "'" + BoundedInput.shown(f.start())
                                    + "' is outside the years 1970 to 9999 a simulation may start in"));
                } else {
                    start = s;
                }
            } catch (DateTimeParseException e) {
                problems.add(new FieldProblem(
                        "start",
                        "'" + BoundedInput.shown(f.start()) + "' is not a UTC time like 2026-01-05T08:00:00Z"));
            }
        }
        Scenario.HostPlan host =
                hostReader.read("host", f.host() == null ? HostPlanReader.emptyHost() : f.host(), problems);
        List<Scenario.HostPlan> hosts = new ArrayList<>(List.of(host));
        if (f.hosts() != null) {
            Set<String> hostNames = new LinkedHashSet<>(List.of(host.name().toLowerCase(Locale.ROOT)));
            for (int i = 0; i < f.hosts().size(); i++) {
                HostFile h = f.hosts().get(i);
                String field = "hosts[" + i + "]";
                if (h == null || h.name() == null) {
                    problems.add(new FieldProblem(field + ".name", "each further host needs a name"));
                    continue;
                }
                Scenario.HostPlan plan = hostReader.read(field, h, problems);
                if (!hostNames.add(plan.name().toLowerCase(Locale.ROOT))) {
                    problems.add(new FieldProblem(
                            field + ".name", "'" + plan.name() + "' is already a host of this scenario"));
                } else {
                    hosts.add(plan);
                }
            }
        }
        Optional<Duration> snapshots = Optional.empty();
        if (f.snapshots() != null) {
            Duration every = Durations.read("snapshots", f.snapshots(), problems);
            if (every != null && every.compareTo(Duration.ofHours(1)) < 0) {
                problems.add(new FieldProblem("snapshots", "must be at least 1h, got " + f.snapshots()));
            } else if (every != null) {
                snapshots = Optional.of(every);
            }
        }
        List<Scenario.MachineGroup> groups = new ArrayList<>();
        if (f.machines() == null || f.machines().isEmpty()) {
            problems.add(new FieldProblem("machines", "the fleet is empty; list at least one group of machines"));
        } else {
            long total = 0;
            List<Integer> entries = new ArrayList<>(); // each group's index in the file's machines list
            for (int i = 0; i < f.machines().size(); i++) {
                GroupFile g = f.machines().get(i);
                if (g == null) {
                    problems.add(new FieldProblem("machines[" + i + "]", "empty entry"));
                    continue;
                }
                Scenario.MachineGroup mg = groupReader.read("machines[" + i + "]", g, host, problems);
                if (mg != null) {
                    groups.add(mg);
                    entries.add(i);
                    total += mg.count();
                }
            }
            if (total > MAX_MACHINES) {
                problems.add(
                        new FieldProblem("machines", total + " machines is more than the limit of " + MAX_MACHINES));
            } else {
                // The names the groups give, not their patterns: 'pc' × 3 gives pc-02 as a group named pc-02 does.
                for (MachineNames.Clash c : MachineNames.clashes(groups)) {
                    Scenario.MachineGroup earlier = groups.get(c.earlier());
                    problems.add(new FieldProblem(
                            "machines[" + entries.get(c.later()) + "].name",
                            "'" + BoundedInput.shown(groups.get(c.later()).namePattern()) + "' gives machine "
                                    + BoundedInput.shown(c.name()) + ", which machines[" + entries.get(c.earlier())
                                    + "] ('" + BoundedInput.shown(earlier.namePattern()) + "', count "
                                    + earlier.count() + ") gives too"
                                    + (c.name().equals(c.earlierName())
                                            ? ""
                                            : " (as " + BoundedInput.shown(c.earlierName())
                                                    + ": Windows ignores letter case)")
                                    + "; machine names must be unique"));
                }
            }
        }
        Map<String, Scenario.MakPlan> mak = new LinkedHashMap<>();
        if (f.makFallback() != null) {
            for (Map.Entry<String, MakFile> e : f.makFallback().entrySet()) {
                String field = "makFallback." + e.getKey();
                if (known.byId(e.getKey()).isEmpty()) {
                    problems.add(known.unknown(BoundedInput.shown(field), e.getKey()));
                    continue;
                }
                MakFile m = e.getValue();
                if (m == null || m.key() == null) {
                    problems.add(new FieldProblem(field + ".key", "the administrator's MAK is required"));
                    continue;
                }
                // Each field checked whatever the others hold: a bad file prints every problem at once.
                ProductKey key = null;
                try {
                    key = ProductKey.parse(m.key());
                } catch (IllegalArgumentException ex) {
                    problems.add(new FieldProblem(field + ".key", BoundedInput.reason(ex.getMessage())));
                }
                ProductKey parsed = key;
                if (parsed != null
                        && families.stream()
                                .flatMap(fam -> fam.catalog().skus().stream())
                                .anyMatch(s -> s.gvlk().equals(parsed))) {
                    problems.add(new FieldProblem(field + ".key", key + " is a public GVLK, not a MAK"));
                    key = null;
                }
                Duration after = Durations.read(field + ".after", m.after() == null ? "30d" : m.after(), problems);
                int activations = m.activations() == null ? 10 : m.activations();
                if (activations < 0) {
                    problems.add(FieldProblem.belowLeast(field + ".activations", activations, 0));
                }
                if (after != null && after.isNegative()) {
                    problems.add(new FieldProblem(field + ".after", "must not be negative"));
                } else if (after != null && key != null) {
                    mak.put(e.getKey(), new Scenario.MakPlan(MakFallbackPolicy.after(after, key), activations));
                }
            }
        }
        FaultyStack.Plan faults =
                faults(f.faults(), start, read == null ? null : read.document().tree(), problems);
        Present present = f.present() == null
                ? Present.NONE
                : new PresentReader(known).read(f.present(), start, hosts, groups, problems);
        if (!problems.isEmpty() || (read != null && !read.misfits().isEmpty())) {
            throw new ScenarioException(
                    source,
                    read == null ? problems.stream().map(FieldProblem::text).toList() : read.problems(problems));
        }
        return new Scenario(
                f.name() == null ? source : f.name(),
                f.description() == null ? "" : f.description().strip(),
                seed,
                start,
                Duration.ofDays(days),
                host,
                groups,
                mak,
                faults,
                hosts,
                snapshots,
                present,
                f.host() != null);
    }

    /**
     * A number as the file writes it ({@code 2}, not the {@code 2.0} of the double read from it); {@code value}
     * without a trailing {@code .0} for a scenario of no file ({@code tree} null).
     */
    private static String asWritten(JsonNode tree, String pointer, double value) {
        JsonNode written = tree == null ? null : tree.at(pointer);
        return written != null && written.isValueNode()
                ? BoundedInput.shown(written.asText())
                : new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    /** The {@code faults:} section: rate, hangRate, kinds, until (docs/simulate.md). */
    private FaultyStack.Plan faults(
            ScenarioFile.FaultsFile f, Instant start, JsonNode tree, List<FieldProblem> problems) {
        if (f == null) {
            return FaultyStack.Plan.NONE;
        }
        double rate = f.rate() == null ? 0 : f.rate();
        double hangRate = f.hangRate() == null ? 0 : f.hangRate();
        boolean ok = true;
        if (!(rate >= 0 && rate <= 1)) {
            problems.add(new FieldProblem(
                    "faults.rate", "must be between 0 and 1, got " + asWritten(tree, "/faults/rate", rate)));
            ok = false;
        }
        if (!(hangRate >= 0 && hangRate <= 1)) {
            problems.add(new FieldProblem(
                    "faults.hangRate",
                    "must be between 0 and 1, got " + asWritten(tree, "/faults/hangRate", hangRate)));
            ok = false;
        } else if (ok && rate + hangRate > 1) {
            problems.add(new FieldProblem(
                    "faults",
                    "rate + hangRate must be at most 1, got " + asWritten(tree, "/faults/rate", rate) + " + "
                            + asWritten(tree, "/faults/hangRate", hangRate)));
            ok = false;
        }
        Set<FaultyStack.Kind> kinds = EnumSet.noneOf(FaultyStack.Kind.class);
        if (f.kinds() != null) {
            for (int i = 0; i < f.kinds().size(); i++) {
                String k = f.kinds().get(i);
                Optional<FaultyStack.Kind> kind = k == null ? Optional.empty() : FaultyStack.Kind.parse(k);
                if (kind.isEmpty()) {
                    problems.add(new FieldProblem(
                            "faults.kinds[" + i + "]",
                            "'" + k + "' is not a fault kind; use one of " + FaultyStack.Kind.ids()));
                    ok = false;
                } else {
                    kinds.add(kind.get());
                }
            }
        }
        Optional<Instant> until = Optional.empty();
        if (f.until() != null) {
            Duration d = Durations.read("faults.until", f.until(), problems);
            if (d == null) {
                ok = false;
            } else if (d.isNegative() || d.isZero()) {
                // Faults that end before (or as) the run starts inject nothing: surely not what was meant.
                problems.add(new FieldProblem(
                        "faults.until", "must be after the start (a duration such as 30d), got " + f.until()));
                ok = false;
            } else {
                until = Optional.of(start.plus(d));
            }
        }
        return ok ? new FaultyStack.Plan(rate, hangRate, kinds, until) : FaultyStack.Plan.NONE;
    }
}
