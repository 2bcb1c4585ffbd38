package org.kmsagent.agent.simulate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.DocumentBinding;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.renewal.MakFallbackPolicy;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.simulate.ScenarioFile.GroupFile;
import org.kmsagent.agent.simulate.ScenarioFile.HostFile;
import org.kmsagent.agent.simulate.ScenarioFile.MakFile;
import org.kmsagent.agent.simulate.ScenarioFile.OutageFile;
import org.kmsagent.agent.simulate.ScenarioFile.ProductFile;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.WindowsVersion;

/**
 * Reads and fully validates a scenario file against the loaded families before anything runs: a syntax error names
 * the line and column, a wrong value names its field path ({@code machines[2].edition}); every problem found is
 * reported at once.
 */
public final class ScenarioReader {
    /** When the virtual clock starts unless a scenario says otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T08:00:00Z");
    /**
     * The earliest and latest start of a run: with the longest durations ({@link Durations#MAX}) and clock skews
     * ({@link #MAX_CLOCK_SKEW}) added, every time of a run stays far inside what the clock and the request encoding
     * hold.
     */
    static final Instant EARLIEST_START = Instant.parse("1970-01-01T00:00:00Z");

    static final Instant LATEST_START = Instant.parse("9999-12-31T23:59:59Z");
    /** How far a machine's clock may be off either way: 100 years (beyond 4 hours every request is refused anyway). */
    static final Duration MAX_CLOCK_SKEW = Duration.ofDays(36_500);
    /** The host's intervals by default (docs/kms-rules.md §2.1). */
    static final Duration DEFAULT_ACTIVATION = KmsRules.ACTIVATION_INTERVAL;

    static final Duration DEFAULT_RENEWAL = KmsRules.RENEWAL_INTERVAL;
    /** The allowed range for both host intervals (docs/kms-rules.md §2.1: 15 min to 30 days). */
    static final Duration MIN_INTERVAL = Duration.ofMinutes(KmsRules.MIN_INTERVAL_MINUTES);

    static final Duration MAX_INTERVAL = Duration.ofMinutes(KmsRules.MAX_INTERVAL_MINUTES);
    /** The most machines one fleet may hold, in all its groups. */
    public static final int MAX_MACHINES = 1_000_000;
    /** How many days a run may last: at least one, at most ten years. */
    public static final int MIN_DAYS = 1;

    public static final int MAX_DAYS = 3650;
    /**
     * The Windows versions a group may name ({@code windows: 11}); any other is written {@code major.minor[.build]}.
     * Windows 11 reports itself as 10.0, and the licensing service it uses for Office is Windows 10's.
     */
    static final Map<String, WindowsVersion> WINDOWS_BY_NAME = windowsByName();

    private static Map<String, WindowsVersion> windowsByName() {
        Map<String, WindowsVersion> m = new LinkedHashMap<>();
        m.put("7", WindowsVersion.WINDOWS_7);
        m.put("8", WindowsVersion.WINDOWS_8);
        m.put("10", WindowsVersion.WINDOWS_10);
        m.put("11", WindowsVersion.WINDOWS_10);
        return Collections.unmodifiableMap(m);
    }
    /** The largest scenario file read; real ones are a few KiB. */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    private final List<LoadedFamily> families;

    public ScenarioReader(List<LoadedFamily> families) {
        this.families = List.copyOf(families);
    }

    /** Reads and validates a scenario file. */
    public Scenario read(Path file) throws ScenarioException {
        String source = file.toString();
        String text;
        try {
            text = BoundedInput.readText(file, MAX_FILE_BYTES);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(source, List.of("no such file"));
        } catch (BoundedInput.TooLargeException e) {
            throw new ScenarioException(
                    source, List.of("the file is " + e.getMessage() + " (a scenario is a few KiB)"));
        } catch (IOException e) {
            throw new ScenarioException(source, List.of("cannot read: " + e.getMessage()));
        }
        return parse(source, text, !file.toString().toLowerCase(Locale.ROOT).endsWith(".json"));
    }

    /** Parses and validates scenario text (YAML, or JSON when {@code yaml} is false). */
    public Scenario parse(String source, String text, boolean yaml) throws ScenarioException {
        FileRead<ScenarioFile> read = bind(source, text, yaml, ScenarioFile.class);
        if (read.value().isEmpty()) {
            throw new ScenarioException(source, read.problems(List.of()));
        }
        return validate(source, read.value().get(), read);
    }

    /**
     * A file of the simulator (a scenario, a changes file) as read: its values, each value of the wrong type left out
     * (so the rest is still read and checked), and the problems found reading it.
     *
     * @param value the file's values; empty when there are none (the file is empty) or the file is not a mapping
     * @param misfits one problem per value of the wrong type, with its line and column
     * @param refused the field path of each misfit, and of its list for a list element (the list is left out whole)
     */
    record FileRead<T>(
            Optional<T> value, List<String> misfits, Set<String> refused, DocumentBinding.Document document) {
        /**
         * Every problem of the file: those found reading it, then those the checks of its values found (each with its
         * line and column), less the checks of a field already refused in reading (left out, its default may not
         * suit: one problem is said once).
         */
        List<String> problems(List<FieldProblem> checks) {
            List<String> all = new ArrayList<>(misfits);
            if (value.isEmpty() && misfits.isEmpty()) {
                all.add("the file is empty");
            }
            for (FieldProblem check : checks) {
                if (!refused.contains(check.field())) {
                    all.add(where(document.places(), check.field())
                            .map(w -> w + ": " + check.text())
                            .orElse(check.text()));
                }
            }
            return all;
        }
    }

    /**
     * Reads a file of the simulator into {@code type} the way the agent's configuration is read (DocumentBinding):
     * every value of the wrong type is a problem with its line and column.
     *
     * @throws ScenarioException the text is not valid YAML or JSON, or holds a key twice: reported alone, as nothing
     *     past it can be read
     */
    static <T> FileRead<T> bind(String source, String text, boolean yaml, Class<T> type) throws ScenarioException {
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        // A key given twice, text after the document, and 2.5 where a count is meant are mistakes, not values to guess.
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        DocumentBinding.Document document;
        try {
            document = DocumentBinding.read(mapper, text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where =
                    at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
            throw new ScenarioException(source, List.of(problem(where, parsedPath(e), what(e, where))));
        }
        if (document.tree().isMissingNode() || document.tree().isNull()) {
            return new FileRead<>(Optional.empty(), List.of(), Set.of(), document);
        }
        DocumentBinding.Bound<T> bound = DocumentBinding.bind(mapper, document.tree(), type);
        List<String> misfits = new ArrayList<>();
        Set<String> refused = new HashSet<>();
        for (DocumentBinding.Misfit m : bound.misfits()) {
            // An unknown field is wrong in its name, any other misfit in its value.
            String where = document.placeOf(m.path())
                    .map(p -> m.error() instanceof UnrecognizedPropertyException ? p.key() : p.value())
                    .map(p -> "line " + p.line() + ", column " + p.column())
                    .orElse("");
            misfits.add(problem(where, m.path(), m.numberOutOfRange().orElseGet(() -> what(m.error(), where))));
            refused.add(m.path());
            if (m.path().endsWith("]")) {
                refused.add(DocumentBinding.parentOf(m.path()));
            }
        }
        return new FileRead<>(bound.value(), misfits, refused, document);
    }

    /**
     * Where a checked field is written ({@code line 4, column 14}): its value when that starts on the key's line, else
     * the key; else the nearest enclosing field that is written. Empty for a field not written at all.
     */
    private static Optional<String> where(Map<String, DocumentBinding.Place> places, String field) {
        for (String at = field; !at.isEmpty(); at = DocumentBinding.parentOf(at)) {
            DocumentBinding.Place p = places.get(at);
            if (p != null) {
                DocumentBinding.Position pos = p.value().line() == p.key().line() ? p.value() : p.key();
                return Optional.of("line " + pos.line() + ", column " + pos.column());
            }
        }
        return Optional.empty();
    }

    /** The field path a parser was at when it stopped ({@code machines[0].name}), or empty. */
    private static String parsedPath(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, (c.getParent() != null && c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
            }
        }
        return String.join("", parts);
    }

    /** One problem: where ("line 4, column 7", or empty), the field path (or empty), and what is wrong. */
    private static String problem(String where, String path, String what) {
        return (where.isEmpty() ? "" : where + ": ") + (path.isEmpty() ? "" : "field '" + path + "': ") + what;
    }

    /** What is wrong, in the words of a scenario file, for a parser's error at {@code where} (or empty). */
    private static String what(JsonProcessingException e, String where) {
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            what = "unknown field '" + u.getPropertyName() + "' (allowed here: "
                    + u.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", ")) + ")";
        } else if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
            what = "trailing text after the end of the document (one scenario per file)";
        } else if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            what = expected(mi.getTargetType());
        } else {
            // The parser's reason whole (only a runaway one is cut); the mark that repeats 'where' is left out.
            what = BoundedInput.reason(e.getOriginalMessage()).replaceAll(" \\(class [^)]*\\)", "");
            if (!where.isEmpty()) {
                what = what.replace(" (" + where + ")", "");
            }
            what = what.replaceAll("`org\\.kmsagent\\.agent\\.simulate\\.ScenarioFile\\$?(\\w*)`", "$1")
                    .replace("java.lang.", "");
        }
        return what;
    }

    /** What a field of that type needs, in the words of a scenario file. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "expected a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "expected true or false";
        }
        if (type == String.class) {
            return "expected text (a single value)";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "expected a list (lines starting with '- ')";
        }
        return "expected a mapping (lines of 'field: value')";
    }

    /** Validates a scenario given as values (the command-line flags build one). */
    Scenario validate(String source, ScenarioFile f) throws ScenarioException {
        return validate(source, f, null);
    }

    /** Validates the values read from a file ({@code read}; null for the flags' values), with its problems. */
    private Scenario validate(String source, ScenarioFile f, FileRead<ScenarioFile> read) throws ScenarioException {
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
        Scenario.HostPlan host = host("host", f.host() == null ? emptyHost() : f.host(), problems);
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
                Scenario.HostPlan plan = host(field, h, problems);
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
            Duration every = duration("snapshots", f.snapshots(), problems);
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
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < f.machines().size(); i++) {
                GroupFile g = f.machines().get(i);
                if (g == null) {
                    problems.add(new FieldProblem("machines[" + i + "]", "empty entry"));
                    continue;
                }
                Scenario.MachineGroup mg = group("machines[" + i + "]", g, host, problems);
                if (mg != null) {
                    groups.add(mg);
                    total += mg.count();
                    if (!names.add(mg.namePattern())) {
                        problems.add(new FieldProblem(
                                "machines[" + i + "].name",
                                "'" + BoundedInput.shown(mg.namePattern())
                                        + "' is used by an earlier group; machine names must be unique"));
                    }
                }
            }
            if (total > MAX_MACHINES) {
                problems.add(
                        new FieldProblem("machines", total + " machines is more than the limit of " + MAX_MACHINES));
            }
        }
        Map<String, Scenario.MakPlan> mak = new LinkedHashMap<>();
        if (f.makFallback() != null) {
            for (Map.Entry<String, MakFile> e : f.makFallback().entrySet()) {
                String field = "makFallback." + e.getKey();
                if (family(e.getKey()).isEmpty()) {
                    problems.add(new FieldProblem(
                            BoundedInput.shown(field),
                            "no loaded family '" + BoundedInput.shown(e.getKey()) + "' (loaded: " + familyIds() + ")"));
                    continue;
                }
                MakFile m = e.getValue();
                if (m == null || m.key() == null) {
                    problems.add(new FieldProblem(field + ".key", "the administrator's MAK is required"));
                    continue;
                }
                ProductKey key;
                try {
                    key = ProductKey.parse(m.key());
                } catch (IllegalArgumentException ex) {
                    problems.add(new FieldProblem(field + ".key", BoundedInput.reason(ex.getMessage())));
                    continue;
                }
                if (families.stream()
                        .flatMap(fam -> fam.catalog().skus().stream())
                        .anyMatch(s -> s.gvlk().equals(key))) {
                    problems.add(new FieldProblem(field + ".key", key + " is a public GVLK, not a MAK"));
                    continue;
                }
                Duration after = duration(field + ".after", m.after() == null ? "30d" : m.after(), problems);
                int activations = m.activations() == null ? 10 : m.activations();
                if (activations < 0) {
                    problems.add(FieldProblem.belowLeast(field + ".activations", activations, 0));
                }
                if (after != null && !after.isNegative()) {
                    mak.put(e.getKey(), new Scenario.MakPlan(MakFallbackPolicy.after(after, key), activations));
                } else if (after != null) {
                    problems.add(new FieldProblem(field + ".after", "must not be negative"));
                }
            }
        }
        FaultyStack.Plan faults = faults(f.faults(), start, problems);
        Present present = f.present() == null
                ? Present.NONE
                : new PresentReader(families).read(f.present(), start, hosts, groups, problems);
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
                present);
    }

    /** The {@code faults:} section: rate, hangRate, kinds, until (docs/simulate.md). */
    private FaultyStack.Plan faults(ScenarioFile.FaultsFile f, Instant start, List<FieldProblem> problems) {
        if (f == null) {
            return FaultyStack.Plan.NONE;
        }
        double rate = f.rate() == null ? 0 : f.rate();
        double hangRate = f.hangRate() == null ? 0 : f.hangRate();
        boolean ok = true;
        if (!(rate >= 0 && rate <= 1)) {
            problems.add(new FieldProblem("faults.rate", "must be between 0 and 1, got " + rate));
            ok = false;
        }
        if (!(hangRate >= 0 && hangRate <= 1)) {
            problems.add(new FieldProblem("faults.hangRate", "must be between 0 and 1, got " + hangRate));
            ok = false;
        } else if (ok && rate + hangRate > 1) {
            problems.add(new FieldProblem("faults", "rate + hangRate must be at most 1, got " + (rate + hangRate)));
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
            Duration d = duration("faults.until", f.until(), problems);
            if (d == null) {
                ok = false;
            } else {
                until = Optional.of(start.plus(d));
            }
        }
        return ok ? new FaultyStack.Plan(rate, hangRate, kinds, until) : FaultyStack.Plan.NONE;
    }

    private static HostFile emptyHost() {
        return new HostFile(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private Scenario.HostPlan host(String at, HostFile h, List<FieldProblem> problems) {
        String name = h.name() == null ? "kms01.corp.example" : h.name();
        String domain = h.domain() == null ? domainOf(name) : h.domain();
        int port = h.port() == null ? KmsEndpoint.DEFAULT_PORT : h.port();
        if (port < HostPort.MIN_PORT || port > HostPort.MAX_PORT) {
            problems.add(FieldProblem.outOfRange(at + ".port", port, HostPort.MIN_PORT, HostPort.MAX_PORT));
        }
        Set<String> allPacks = new LinkedHashSet<>();
        families.forEach(f -> f.catalog().licensePack().ifPresent(p -> allPacks.add(p.name())));
        Set<String> packs = h.licensePacks() == null
                ? new LinkedHashSet<>(allPacks)
                : licensePacks(at + ".licensePacks", h.licensePacks(), allPacks, problems);
        List<HostKey> keys =
                h.hostKeys() == null ? defaultHostKeys(packs) : hostKeys(at + ".hostKeys", h.hostKeys(), problems);
        Duration ai = interval(at + ".activationInterval", h.activationInterval(), DEFAULT_ACTIVATION, problems);
        Duration ri = interval(at + ".renewalInterval", h.renewalInterval(), DEFAULT_RENEWAL, problems);
        List<Scenario.Outage> outages = new ArrayList<>();
        if (h.outages() != null) {
            for (int i = 0; i < h.outages().size(); i++) {
                OutageFile o = h.outages().get(i);
                String field = at + ".outages[" + i + "]";
                if (o == null || o.from() == null || o.to() == null) {
                    problems.add(new FieldProblem(field, "needs both 'from' and 'to'"));
                    continue;
                }
                Duration from = duration(field + ".from", o.from(), problems);
                Duration to = duration(field + ".to", o.to(), problems);
                if (from != null && to != null) {
                    if (from.isNegative() || to.compareTo(from) <= 0) {
                        problems.add(new FieldProblem(
                                field,
                                "'to' (" + BoundedInput.shown(o.to())
                                        + ") must come after 'from' ("
                                        + BoundedInput.shown(o.from())
                                        + ") and neither may be negative"));
                    } else {
                        outages.add(new Scenario.Outage(from, to));
                    }
                }
            }
        }
        int priority = h.priority() == null ? 0 : h.priority();
        int weight = h.weight() == null ? 0 : h.weight();
        if (priority < 0 || priority > 65535) {
            problems.add(FieldProblem.outOfRange(at + ".priority", priority, 0, 65535));
        }
        if (weight < 0 || weight > 65535) {
            problems.add(FieldProblem.outOfRange(at + ".weight", weight, 0, 65535));
        }
        List<Scenario.HostChange> changes = new ArrayList<>();
        if (h.changes() != null) {
            Duration last = Duration.ZERO;
            for (int i = 0; i < h.changes().size(); i++) {
                ScenarioFile.ChangeFile c = h.changes().get(i);
                String field = at + ".changes[" + i + "]";
                if (c == null || c.at() == null) {
                    problems.add(new FieldProblem(field + ".at", "when the change happens is required (e.g. 10d)"));
                    continue;
                }
                Duration when = duration(field + ".at", c.at(), problems);
                if (when == null) {
                    continue;
                }
                if (when.compareTo(last) < 0) {
                    problems.add(new FieldProblem(field + ".at", "changes must be listed in time order"));
                }
                last = when;
                Set<String> addPacks = c.licensePacks() == null
                        ? new LinkedHashSet<>()
                        : licensePacks(field + ".licensePacks", c.licensePacks(), allPacks, problems);
                List<HostKey> addKeys = c.hostKeys() == null
                        ? new ArrayList<>()
                        : hostKeys(field + ".hostKeys", c.hostKeys(), problems);
                if (h.hostKeys() == null) {
                    // Keys left to the defaults: installing a pack brings the host key that needs it, as the
                    // administrator enters it right after the pack (the newest such key).
                    for (String p : addPacks) {
                        allHostKeys().stream()
                                .filter(k -> k.licensePack().filter(p::equals).isPresent())
                                .max(Comparator.comparingInt(HostKey::generation))
                                .filter(k -> !addKeys.contains(k) && !keys.contains(k))
                                .ifPresent(addKeys::add);
                    }
                }
                boolean nothingGiven =
                        (c.licensePacks() == null || c.licensePacks().isEmpty())
                                && (c.hostKeys() == null || c.hostKeys().isEmpty());
                if (nothingGiven) {
                    // Only when nothing is listed: an unknown pack or key is reported as such, not as nothing.
                    problems.add(new FieldProblem(field, "installs nothing; give licensePacks and/or hostKeys"));
                }
                changes.add(new Scenario.HostChange(when, addPacks, addKeys));
            }
        }
        return new Scenario.HostPlan(
                name,
                domain,
                port,
                h.publishDns() == null || h.publishDns(),
                keys,
                packs,
                ai == null ? DEFAULT_ACTIVATION : ai,
                ri == null ? DEFAULT_RENEWAL : ri,
                outages,
                catalogKeys(),
                priority,
                weight,
                changes);
    }

    /** The license packs a host's list names, each one of {@code known}; an unknown name is a problem of its field. */
    private static Set<String> licensePacks(
            String field, List<String> names, Set<String> known, List<FieldProblem> problems) {
        Set<String> packs = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String p = names.get(i);
            if (known.contains(p)) {
                packs.add(p);
            } else {
                problems.add(new FieldProblem(
                        field + "[" + i + "]",
                        "unknown license pack '" + BoundedInput.shown(p) + "' (known: " + String.join(", ", known)
                                + ")"));
            }
        }
        return packs;
    }

    /**
     * The host keys a host's list names, by their catalog names in any case; an unknown name is a problem of its
     * field.
     */
    private List<HostKey> hostKeys(String field, List<String> names, List<FieldProblem> problems) {
        List<HostKey> keys = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String k = names.get(i);
            Optional<HostKey> key = allHostKeys().stream()
                    .filter(x -> x.name().equalsIgnoreCase(k))
                    .findFirst();
            if (key.isPresent()) {
                keys.add(key.get());
            } else {
                problems.add(new FieldProblem(
                        field + "[" + i + "]",
                        "unknown host key '" + BoundedInput.shown(k) + "' (known: "
                                + allHostKeys().stream().map(HostKey::name).collect(Collectors.joining(", ")) + ")"));
            }
        }
        return keys;
    }

    /** Every host key the loaded families declare, with the class of the family declaring it. */
    Map<HostKey, String> catalogKeys() {
        Map<HostKey, String> out = new LinkedHashMap<>();
        families.forEach(f ->
                f.catalog().hostKeys().forEach(k -> out.putIfAbsent(k, HostConfig.keyClass(f.catalog()))));
        return out;
    }

    /** All host keys the loaded families declare. */
    List<HostKey> allHostKeys() {
        return families.stream().flatMap(f -> f.catalog().hostKeys().stream()).toList();
    }

    /**
     * What a lab host holds unless the scenario says otherwise: per count pool the newest key that needs no license
     * pack (a Windows host holds one CSVLK, and the newest Windows Server CSVLK activates every older group), plus,
     * for every license pack the host holds, the newest key that needs that pack (Office host keys live side by side,
     * one per release, each activating its own release: docs/kms-rules.md §3.4).
     */
    List<HostKey> defaultHostKeys(Set<String> packs) {
        List<HostKey> out = new ArrayList<>();
        Map<String, List<LoadedFamily>> byPool = new LinkedHashMap<>();
        families.forEach(f -> byPool.computeIfAbsent(f.countPool().id(), p -> new ArrayList<>())
                .add(f));
        Comparator<HostKey> newest = Comparator.comparingInt(HostKey::generation)
                .thenComparingInt(k -> k.activates().size());
        for (List<LoadedFamily> pool : byPool.values()) {
            List<HostKey> keys = pool.stream()
                    .flatMap(f -> f.catalog().hostKeys().stream())
                    .distinct()
                    .toList();
            keys.stream().filter(k -> k.licensePack().isEmpty()).max(newest).ifPresent(out::add);
            keys.stream()
                    .map(k -> k.licensePack().orElse(null))
                    .filter(p -> p != null && packs.contains(p))
                    .distinct()
                    .forEach(pack -> keys.stream()
                            .filter(k -> k.licensePack().filter(pack::equals).isPresent())
                            .max(newest)
                            .ifPresent(out::add));
        }
        return out;
    }

    private Scenario.MachineGroup group(
            String field, GroupFile g, Scenario.HostPlan host, List<FieldProblem> problems) {
        int before = problems.size();
        String name = g.name();
        if (name == null || name.isBlank()) {
            problems.add(
                    new FieldProblem(field + ".name", "every group needs a name (use {n} for the machine number)"));
        } else if (!name.matches("[A-Za-z0-9{}][A-Za-z0-9{}._-]*")) {
            problems.add(new FieldProblem(
                    field + ".name",
                    "'" + BoundedInput.shown(name) + "' is not a machine name (letters, digits, '-', '.')"));
        }
        int count = g.count() == null ? 1 : g.count();
        if (count < 1) {
            problems.add(FieldProblem.belowLeast(field + ".count", count, 1));
        } else if (count > MAX_MACHINES) {
            problems.add(new FieldProblem(
                    field + ".count",
                    count + " machines is more than the limit of " + MAX_MACHINES + " (for the whole fleet)"));
        }
        List<ProductFile> productFiles = new ArrayList<>();
        if (g.family() != null || g.edition() != null) {
            productFiles.add(new ProductFile(g.family(), g.edition()));
        }
        if (g.products() != null) {
            productFiles.addAll(g.products());
        }
        if (productFiles.isEmpty()) {
            problems.add(new FieldProblem(field, "give 'family' and 'edition', or a 'products' list"));
        }
        List<Scenario.ProductPlan> products = new ArrayList<>();
        for (int i = 0; i < productFiles.size(); i++) {
            ProductFile p = productFiles.get(i);
            String pf = g.products() != null && (g.family() == null && g.edition() == null)
                    ? field + ".products[" + i + "]"
                    : i == 0 && (g.family() != null || g.edition() != null)
                            ? field
                            : field + ".products[" + (i - 1) + "]";
            if (p == null || p.family() == null) {
                problems.add(new FieldProblem(pf + ".family", "required (loaded: " + familyIds() + ")"));
                continue;
            }
            Optional<LoadedFamily> fam = family(p.family());
            if (fam.isEmpty()) {
                problems.add(new FieldProblem(
                        pf + ".family",
                        "no loaded family '" + BoundedInput.shown(p.family()) + "' (loaded: " + familyIds() + ")"));
                continue;
            }
            if (p.edition() == null) {
                problems.add(new FieldProblem(
                        pf + ".edition",
                        "required, e.g. '" + fam.get().catalog().skus().get(0).name() + "'"));
                continue;
            }
            Optional<Sku> sku = fam.get().catalog().byName(p.edition());
            if (sku.isEmpty()) {
                problems.add(new FieldProblem(
                        pf + ".edition",
                        "'" + BoundedInput.shown(p.edition()) + "' is not an edition of "
                                + fam.get().id() + suggestion(fam.get(), p.edition())));
                continue;
            }
            if (sku.get().skuId().isEmpty()) {
                problems.add(new FieldProblem(
                        pf + ".edition", sku.get().name() + " has no known SKU id and cannot be simulated"));
                continue;
            }
            Optional<Scenario.ProductPlan> same = products.stream()
                    .filter(x -> x.sku().skuId().equals(sku.get().skuId()))
                    .findFirst();
            if (same.isPresent()) {
                problems.add(new FieldProblem(
                        pf + ".edition",
                        sku.get().name() + " has the same SKU id as "
                                + same.get().sku().name() + " (one machine holds one of them)"));
                continue;
            }
            products.add(new Scenario.ProductPlan(fam.get(), sku.get()));
        }
        Duration arrive = duration(field + ".arrive", g.arrive() == null ? "0" : g.arrive(), problems);
        Duration every = duration(field + ".every", g.every() == null ? "0" : g.every(), problems);
        Duration leave = g.leave() == null ? null : duration(field + ".leave", g.leave(), problems);
        Duration skew = duration(field + ".clockSkew", g.clockSkew() == null ? "0" : g.clockSkew(), problems);
        if (skew != null && skew.abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            problems.add(new FieldProblem(
                    field + ".clockSkew",
                    BoundedInput.shown(g.clockSkew()) + " is more than the allowed " + MAX_CLOCK_SKEW.toDays()
                            + "d (100 years) either way"));
        }
        boolean lastArrives = true;
        if (arrive != null
                && every != null
                && count > 1
                && !arrive.isNegative()
                && !every.isNegative()
                && !every.isZero()) {
            // The last machine must arrive within the longest duration too (every x (count - 1) may be enormous).
            // Both are at most Durations.MAX, whose nanoseconds fit a long.
            long room = Durations.MAX.minus(arrive).toNanos();
            if (room / every.toNanos() < count - 1L) {
                lastArrives = false;
                problems.add(new FieldProblem(
                        field + ".every",
                        BoundedInput.shown(g.every()) + " between " + count + " machines puts the last one after "
                                + Durations.MAX_DAYS + "d, the longest time allowed"));
            }
        }
        if (arrive != null && arrive.isNegative()) {
            problems.add(new FieldProblem(field + ".arrive", "must not be negative"));
        }
        if (every != null && every.isNegative()) {
            problems.add(new FieldProblem(field + ".every", "must not be negative"));
        }
        if (leave != null
                && arrive != null
                && every != null
                && count >= 1
                && lastArrives
                && leave.compareTo(arrive.plus(every.multipliedBy(count - 1))) <= 0) {
            problems.add(new FieldProblem(
                    field + ".leave", BoundedInput.shown(g.leave()) + " is not after the last machine's arrival"));
        }
        KmsEndpoint endpoint = KmsEndpoint.discovery();
        if (g.kms() != null) {
            Optional<String> problem = HostPort.endpointProblem(g.kms());
            if (problem.isPresent()) {
                problems.add(new FieldProblem(
                        field + ".kms",
                        "expected dns, dns:domain, host[:port] or [IPv6][:port], got '" + BoundedInput.shown(g.kms())
                                + "' (" + problem.get() + ")"));
            } else {
                endpoint = KmsEndpoint.parse(g.kms());
            }
        }
        WindowsVersion windows = WindowsVersion.WINDOWS_10;
        if (g.windows() != null) {
            String[] parts = g.windows().strip().split("\\.");
            try {
                WindowsVersion named = WINDOWS_BY_NAME.get(g.windows().strip());
                windows = named != null
                        ? named
                        : new WindowsVersion(
                                Integer.parseInt(parts[0]),
                                Integer.parseInt(parts[1]),
                                parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
            } catch (RuntimeException e) {
                problems.add(new FieldProblem(
                        field + ".windows",
                        "'" + BoundedInput.shown(g.windows())
                                + "' is not a version (" + String.join(", ", WINDOWS_BY_NAME.keySet())
                                + " or major.minor[.build], e.g. 6.1.7601)"));
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new Scenario.MachineGroup(
                name,
                count,
                products,
                arrive,
                every,
                Optional.ofNullable(leave),
                skew,
                endpoint,
                g.hostCaching() == null || g.hostCaching(),
                Boolean.TRUE.equals(g.cloned()),
                windows,
                g.domain() == null ? host.domain() : g.domain());
    }

    private static String suggestion(LoadedFamily f, String edition) {
        String e = edition.toLowerCase(Locale.ROOT);
        List<String> close = f.catalog().skus().stream()
                .map(Sku::name)
                .filter(n -> n.toLowerCase(Locale.ROOT).contains(e)
                        || e.contains(n.toLowerCase(Locale.ROOT))
                        || n.toLowerCase(Locale.ROOT).startsWith(e.split(" ")[0]))
                .limit(5)
                .toList();
        return close.isEmpty() ? " (see 'kms-agent products')" : " (did you mean: " + String.join(", ", close) + "?)";
    }

    private static Duration interval(String field, String text, Duration dflt, List<FieldProblem> problems) {
        if (text == null) {
            return dflt;
        }
        Duration d = duration(field, text, problems);
        if (d != null && (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0)) {
            // docs/kms-rules.md §2.1: both intervals range from 15 minutes to 30 days.
            problems.add(new FieldProblem(field, text + " is outside the allowed 15m to 30d"));
            return null;
        }
        return d;
    }

    private static Duration duration(String field, String text, List<FieldProblem> problems) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(field, e.getMessage()));
            return null;
        }
    }

    private Optional<LoadedFamily> family(String id) {
        return families.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    private String familyIds() {
        return families.stream().map(LoadedFamily::id).collect(Collectors.joining(", "));
    }

    private static String domainOf(String host) {
        int dot = host.indexOf('.');
        return dot > 0 ? host.substring(dot + 1) : "corp.example";
    }
}
