package org.kmsagent.agent.simulate;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.WholeNumber;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.HostKey;

/**
 * What a what-if changes in the fleet as it is (docs/simulate.md, "What-if from the live state"): host outages,
 * machines retired, machines re-imaged without generalizing, host keys and license packs removed. Given as
 * {@code simulate} flags or a small YAML file ({@code --changes}); both are checked before anything runs.
 *
 * @param outages hosts unreachable for a while
 * @param retire machines (a name pattern) leaving the fleet at a time
 * @param reimage machines re-imaged at a time from one image that was never generalized: they come back unactivated
 *     and all with one CMID (docs/kms-rules.md §1.2)
 * @param removeHostKeys host keys (names, or a family id for all of that family's) taken off every host at the start
 * @param removeLicensePacks license packs taken off every host at the start
 */
public record WhatIfChanges(
        List<OutageChange> outages,
        List<Retire> retire,
        List<Reimage> reimage,
        List<String> removeHostKeys,
        List<String> removeLicensePacks) {
    public static final WhatIfChanges NONE = new WhatIfChanges(List.of(), List.of(), List.of(), List.of(), List.of());

    public WhatIfChanges {
        outages = List.copyOf(outages);
        retire = List.copyOf(retire);
        reimage = List.copyOf(reimage);
        removeHostKeys = List.copyOf(removeHostKeys);
        removeLicensePacks = List.copyOf(removeLicensePacks);
    }

    /** A host down from {@code from} for {@code length}; the first host when none is named. */
    public record OutageChange(Optional<String> host, Duration from, Duration length) {}

    /** Machines whose name matches {@code pattern} ({@code *} and {@code ?}, any case) leave at {@code at}. */
    public record Retire(String pattern, Duration at) {}

    /** {@code count} machines re-imaged at {@code at}. */
    public record Reimage(int count, Duration at) {}

    /** Both sets of changes, this one's first. */
    public WhatIfChanges plus(WhatIfChanges o) {
        return new WhatIfChanges(
                concat(outages, o.outages),
                concat(retire, o.retire),
                concat(reimage, o.reimage),
                concat(removeHostKeys, o.removeHostKeys),
                concat(removeLicensePacks, o.removeLicensePacks));
    }

    public boolean isEmpty() {
        return outages.isEmpty()
                && retire.isEmpty()
                && reimage.isEmpty()
                && removeHostKeys.isEmpty()
                && removeLicensePacks.isEmpty();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ---- reading ----

    private static final Pattern OUTAGE = Pattern.compile("(?:(?<host>[^@]+)@)?(?<from>[^+@]+)\\+(?<length>[^+@]+)");
    private static final Pattern AT = Pattern.compile("(?<what>[^@]+)(?:@(?<at>[^@]+))?");

    /**
     * The changes the flags give.
     *
     * @throws ScenarioException naming the flag and what it expects
     */
    public static WhatIfChanges ofFlags(
            List<String> outages, List<String> retire, List<String> reimage, List<String> hostKeys, List<String> packs)
            throws ScenarioException {
        List<String> problems = new ArrayList<>();
        List<OutageChange> o = new ArrayList<>();
        for (String v : outages) {
            var m = OUTAGE.matcher(v.strip());
            if (!m.matches()) {
                problems.add("--outage " + BoundedInput.shown(v) + ": expected [HOST@]FROM+DURATION, e.g. 0d+40d or "
                        + "kms01.corp.example@5d+40d");
                continue;
            }
            Duration from = days(m.group("from"), flagPart("--outage " + v, "FROM", problems));
            Duration length = days(m.group("length"), flagPart("--outage " + v, "DURATION", problems));
            if (from != null && from.isNegative()) {
                problems.add("--outage " + BoundedInput.shown(v) + ": FROM " + NEGATIVE_AT + ", got "
                        + BoundedInput.shown(m.group("from").strip()));
            }
            if (length != null && !positive(length)) {
                problems.add("--outage " + BoundedInput.shown(v) + ": DURATION must be positive, got "
                        + BoundedInput.shown(m.group("length").strip()));
            }
            if (from != null && length != null && !from.isNegative() && positive(length)) {
                o.add(new OutageChange(Optional.ofNullable(m.group("host")).map(String::strip), from, length));
            }
        }
        List<Retire> r = new ArrayList<>();
        for (String v : retire) {
            var m = AT.matcher(v.strip());
            Duration at = !m.matches()
                    ? null
                    : m.group("at") == null
                            ? Duration.ZERO
                            : days(m.group("at"), flagPart("--retire " + v, "AT", problems));
            if (!m.matches()) {
                problems.add("--retire " + BoundedInput.shown(v) + ": expected PATTERN[@AT], e.g. 'PC-1*@10d'");
            } else if (at != null && at.isNegative()) {
                problems.add("--retire " + BoundedInput.shown(v) + ": AT may not be negative (the run starts at 0)");
            } else if (at != null) {
                r.add(new Retire(m.group("what").strip(), at));
            }
        }
        List<Reimage> ri = new ArrayList<>();
        for (String v : reimage) {
            var m = AT.matcher(v.strip());
            Integer n = null;
            try {
                n = m.matches() ? Integer.valueOf(m.group("what").strip()) : null;
            } catch (NumberFormatException e) {
                n = null;
            }
            if (n == null || n < 1) {
                problems.add("--reimage " + BoundedInput.shown(v) + ": expected N[@AT] with N "
                        + WholeNumber.accepted("machines", 1) + ", e.g. 5@10d");
                continue;
            }
            Duration at = m.group("at") == null
                    ? Duration.ZERO
                    : days(m.group("at"), flagPart("--reimage " + v, "AT", problems));
            if (at != null && at.isNegative()) {
                problems.add("--reimage " + BoundedInput.shown(v) + ": AT may not be negative (the run starts at 0)");
            } else if (at != null) {
                ri.add(new Reimage(n, at));
            }
        }
        if (!problems.isEmpty()) {
            throw new ScenarioException("changes", problems);
        }
        return new WhatIfChanges(o, r, ri, hostKeys, packs);
    }

    /** The changes file as written. */
    record ChangesFile(
            List<OutageFile> outages,
            List<RetireFile> retire,
            List<ReimageFile> reimage,
            List<String> removeHostKeys,
            List<String> removeLicensePacks) {}

    record OutageFile(
            String host, String from, @JsonProperty("for") String length) {}

    record RetireFile(String machines, String at) {}

    record ReimageFile(Integer count, String at) {}

    /**
     * Reads a changes file (YAML or JSON; docs/simulate.md).
     *
     * @throws ScenarioException naming the file, the line or field, and what is wrong
     */
    public static WhatIfChanges read(Path file) throws ScenarioException {
        String source = file.toString();
        String text = SimulatorFile.text(file, ScenarioReader.MAX_FILE_BYTES);
        SimulatorFile.Read<ChangesFile> read = SimulatorFile.bind(source, text, true, ChangesFile.class);
        if (read.value().isEmpty()) {
            throw new ScenarioException(source, read.problems(List.of()));
        }
        ChangesFile f = read.value().get();
        List<FieldProblem> problems = new ArrayList<>();
        List<OutageChange> o = new ArrayList<>();
        List<OutageFile> outs = f.outages() == null ? List.of() : f.outages();
        for (int i = 0; i < outs.size(); i++) {
            OutageFile x = outs.get(i);
            String at = "outages[" + i + "]";
            if (x == null) {
                problems.add(new FieldProblem(at, "needs 'from' and 'for'"));
                continue;
            }
            // Each checked on its own, so that all problems are reported at once. A field missing is named as such
            // (one refused for its type has been reported already and is not reported twice).
            Duration from =
                    x.from() == null ? missing(at + ".from", problems) : days(x.from(), field(at + ".from", problems));
            Duration length = x.length() == null
                    ? missing(at + ".for", problems)
                    : days(x.length(), field(at + ".for", problems));
            if (from != null && from.isNegative()) {
                problems.add(new FieldProblem(
                        at + ".from",
                        NEGATIVE_AT + ", got " + BoundedInput.shown(x.from().strip())));
            }
            if (length != null && !positive(length)) {
                problems.add(new FieldProblem(
                        at + ".for",
                        "must be positive, got " + BoundedInput.shown(x.length().strip())));
            }
            if (from != null && length != null && !from.isNegative() && positive(length)) {
                o.add(new OutageChange(Optional.ofNullable(x.host()), from, length));
            }
        }
        List<Retire> r = new ArrayList<>();
        List<RetireFile> rs = f.retire() == null ? List.of() : f.retire();
        for (int i = 0; i < rs.size(); i++) {
            RetireFile x = rs.get(i);
            if (x == null || x.machines() == null) {
                problems.add(new FieldProblem("retire[" + i + "].machines", "a machine name or pattern is needed"));
                continue;
            }
            Duration at = x.at() == null ? Duration.ZERO : days(x.at(), field("retire[" + i + "].at", problems));
            if (at != null && at.isNegative()) {
                problems.add(new FieldProblem("retire[" + i + "].at", NEGATIVE_AT));
            } else if (at != null) {
                r.add(new Retire(x.machines(), at));
            }
        }
        List<Reimage> ri = new ArrayList<>();
        List<ReimageFile> res = f.reimage() == null ? List.of() : f.reimage();
        for (int i = 0; i < res.size(); i++) {
            ReimageFile x = res.get(i);
            if (x == null || x.count() == null) {
                problems.add(new FieldProblem(
                        "reimage[" + i + "].count", "how many machines is required: " + WholeNumber.accepted("", 1)));
                continue;
            }
            if (x.count() < 1) {
                problems.add(FieldProblem.belowLeast("reimage[" + i + "].count", x.count(), 1));
                continue;
            }
            Duration at = x.at() == null ? Duration.ZERO : days(x.at(), field("reimage[" + i + "].at", problems));
            if (at != null && at.isNegative()) {
                problems.add(new FieldProblem("reimage[" + i + "].at", NEGATIVE_AT));
            } else if (at != null) {
                ri.add(new Reimage(x.count(), at));
            }
        }
        List<String> hostKeys =
                names("removeHostKeys", f.removeHostKeys(), "a host key's name or a family id", problems);
        List<String> packs = names("removeLicensePacks", f.removeLicensePacks(), "a license pack's name", problems);
        if (!problems.isEmpty() || !read.misfits().isEmpty()) {
            throw new ScenarioException(source, read.problems(problems));
        }
        return new WhatIfChanges(o, r, ri, hostKeys, packs);
    }

    /** Longer than nothing ({@code Duration.isPositive} is Java 18's). */
    private static boolean positive(Duration d) {
        return !d.isZero() && !d.isNegative();
    }

    private static final String NEGATIVE_AT = "may not be negative (the run starts at 0)";

    /** A list of names from a changes file; an entry left empty ({@code - } or {@code ~}) is a problem at its index. */
    private static List<String> names(String field, List<String> given, String expected, List<FieldProblem> problems) {
        List<String> names = new ArrayList<>();
        for (int i = 0; given != null && i < given.size(); i++) {
            String n = given.get(i);
            if (n == null || n.isBlank()) {
                problems.add(new FieldProblem(field + "[" + i + "]", "empty: give " + expected));
            } else {
                names.add(n.strip());
            }
        }
        return names;
    }

    /**
     * A time or length: a scenario duration ({@code 40d}, {@code 1d 6h}) or a whole number of days; null when it is
     * neither, after telling {@code refused} why in words.
     */
    private static Duration days(String text, Consumer<String> refused) {
        String t = text.strip();
        try {
            return Durations.days(t);
        } catch (IllegalArgumentException e) {
            refused.accept(
                    e.getMessage().contains("too long")
                            ? e.getMessage()
                            : "'" + BoundedInput.shown(t) + "' is not a number of days or a duration like 40d or "
                                    + "1d 6h");
            return null;
        }
    }

    /** Where a refused part of a flag's value goes: {@code --outage 5x+40: FROM '5x' is not …}. */
    private static Consumer<String> flagPart(String flag, String part, List<String> problems) {
        return why -> problems.add(BoundedInput.shown(flag) + ": " + part + " " + why);
    }

    /** Where a refused field of a changes file goes: a problem of that field. */
    private static Consumer<String> field(String path, List<FieldProblem> problems) {
        return why -> problems.add(new FieldProblem(path, why));
    }

    /** A required field left out: reported, and no value. */
    private static Duration missing(String path, List<FieldProblem> problems) {
        problems.add(new FieldProblem(path, "needs 'from' and 'for'"));
        return null;
    }

    // ---- applying ----

    /**
     * Refuses a change to a host (an outage, a host key or license pack removed) when the fleet's state names no host:
     * a snapshot of a fleet with no watched host (docs/fleet.md, "What if: the fleet as it is"). Its KMS host is
     * unknown, and the default host that would stand in for it is none of the fleet's, so such a change would be made
     * to a host the user does not have. A scenario without a present keeps its default host, a host like any other.
     *
     * @param source the snapshot as the user gave it (its file, or the hub it was taken from)
     * @throws ScenarioException naming the source, the changes refused, and what gives a snapshot a host
     */
    public void requireHostFor(Scenario s, String source) throws ScenarioException {
        if (s.hostNamed() || s.present().isEmpty()) {
            return;
        }
        List<String> asked = new ArrayList<>();
        // An outage of a host the file names itself (a further host added to the snapshot by hand) is the user's own.
        String stand = s.host().name();
        if (outages.stream().anyMatch(o -> o.host().isEmpty() || o.host().get().equalsIgnoreCase(stand))) {
            asked.add("an outage");
        }
        if (!removeHostKeys.isEmpty()) {
            asked.add("removing a host key");
        }
        if (!removeLicensePacks.isEmpty()) {
            asked.add("removing a license pack");
        }
        if (asked.isEmpty()) {
            return;
        }
        throw new ScenarioException(
                source,
                List.of("holds no KMS host (the fleet had no watched host when the snapshot was taken), so "
                        + String.join(" or ", asked) + " would apply to the simulator's default host "
                        + s.host().name() + ", which is not in your fleet; watch your KMS host (an agent on it with "
                        + "host.mode: watch, docs/fleet.md \"Watched hosts\") and take the snapshot again, or name it "
                        + "in the file's \"host\""));
    }

    /**
     * The scenario with these changes made.
     *
     * @throws ScenarioException a host, machine pattern, host key or pack the scenario does not have
     */
    public Scenario applyTo(Scenario s, List<LoadedFamily> families) throws ScenarioException {
        List<String> problems = new ArrayList<>();
        List<Scenario.HostPlan> hosts = new ArrayList<>(s.hosts());
        Duration length = s.length();
        for (OutageChange o : outages) {
            int i = o.host().isEmpty() ? 0 : indexOf(hosts, o.host().get());
            if (i < 0) {
                problems.add("outage: '" + BoundedInput.shown(o.host().get()) + "' is no host of the fleet (hosts: "
                        + String.join(
                                ", ",
                                hosts.stream().map(Scenario.HostPlan::name).toList()) + ")");
                continue;
            }
            if (o.from().compareTo(length) >= 0) {
                problems.add("outage: it starts on day " + o.from().toDays() + ", after the run's " + length.toDays()
                        + " days (give --days)");
                continue;
            }
            Scenario.HostPlan h = hosts.get(i);
            List<Scenario.Outage> outs = new ArrayList<>(h.outages());
            outs.add(new Scenario.Outage(o.from(), o.from().plus(o.length())));
            hosts.set(i, host(h, h.hostKeys(), h.licensePacks(), outs));
        }
        for (String k : removeHostKeys) {
            boolean found = false;
            for (int i = 0; i < hosts.size(); i++) {
                Scenario.HostPlan h = hosts.get(i);
                // A family id names every host key its catalog declares.
                Set<String> names = new HashSet<>();
                families.stream()
                        .filter(f -> f.id().equalsIgnoreCase(k))
                        .forEach(f -> f.catalog()
                                .hostKeys()
                                .forEach(x -> names.add(x.name().toLowerCase(Locale.ROOT))));
                List<HostKey> keep = h.hostKeys().stream()
                        .filter(x -> !x.name().equalsIgnoreCase(k)
                                && !names.contains(x.name().toLowerCase(Locale.ROOT)))
                        .toList();
                found |= keep.size() < h.hostKeys().size();
                hosts.set(i, host(h, keep, h.licensePacks(), h.outages()));
            }
            if (!found) {
                problems.add("remove host key: no host holds '" + BoundedInput.shown(k) + "' (they hold: "
                        + String.join(
                                ", ",
                                hosts.stream()
                                        .flatMap(h -> h.hostKeys().stream())
                                        .map(HostKey::name)
                                        .distinct()
                                        .toList())
                        + "; or give a family id)");
            }
        }
        for (String p : removeLicensePacks) {
            boolean found = false;
            for (int i = 0; i < hosts.size(); i++) {
                Scenario.HostPlan h = hosts.get(i);
                Set<String> keep = new LinkedHashSet<>(h.licensePacks());
                found |= keep.removeIf(x -> x.equalsIgnoreCase(p));
                hosts.set(i, host(h, h.hostKeys(), keep, h.outages()));
            }
            if (!found) {
                problems.add("remove license pack: no host holds '" + BoundedInput.shown(p) + "' (they hold: "
                        + String.join(
                                ", ",
                                hosts.stream()
                                        .flatMap(h -> h.licensePacks().stream())
                                        .distinct()
                                        .sorted()
                                        .toList())
                        + ")");
            }
        }
        List<Scenario.MachineGroup> groups = new ArrayList<>(s.groups());
        for (Retire r : retire) {
            Pattern glob = glob(r.pattern());
            boolean any = false;
            for (int i = 0; i < groups.size(); i++) {
                Scenario.MachineGroup g = groups.get(i);
                boolean match = glob.matcher(g.namePattern()).matches();
                for (int n = 0; n < g.count() && !match; n++) {
                    match = glob.matcher(g.machineName(n)).matches();
                }
                if (match) {
                    any = true;
                    Duration leave =
                            g.leave().filter(l -> l.compareTo(r.at()) < 0).orElse(r.at());
                    groups.set(i, leaving(g, leave));
                }
            }
            if (!any) {
                problems.add("retire: no machine matches '" + BoundedInput.shown(r.pattern()) + "'");
            }
        }
        Map<String, Present.MachineStart> machines =
                new LinkedHashMap<>(s.present().machines());
        Set<Integer> reimaged = new HashSet<>();
        for (Reimage r : reimage) {
            List<Integer> picked = new ArrayList<>();
            for (int i = 0; i < groups.size() && picked.size() < r.count(); i++) {
                Scenario.MachineGroup g = groups.get(i);
                boolean present = g.leave().map(l -> l.compareTo(r.at()) > 0).orElse(true)
                        && g.arrive().compareTo(r.at()) <= 0;
                if (g.count() == 1 && !g.cloned() && present && !reimaged.contains(i)) {
                    picked.add(i);
                }
            }
            if (picked.size() < r.count()) {
                problems.add("reimage: " + r.count() + " machines asked, only " + picked.size()
                        + " single machines are in " + "the fleet on day " + r.at().toDays());
                continue;
            }
            // The image's CMID: one for all of them, derived from the scenario (the same input, the same id).
            UUID image = UUID.nameUUIDFromBytes(
                    ("reimage " + s.seed() + " " + groups.get(picked.get(0)).machineName(0) + " " + r.at())
                            .getBytes(StandardCharsets.UTF_8));
            for (int i : picked) {
                reimaged.add(i);
                Scenario.MachineGroup g = groups.get(i);
                groups.set(i, leaving(g, r.at()));
                String name = g.machineName(0) + "-reimaged";
                groups.add(new Scenario.MachineGroup(
                        name,
                        1,
                        g.products(),
                        r.at(),
                        Duration.ZERO,
                        Optional.empty(),
                        g.clockSkew(),
                        g.endpoint(),
                        g.hostCaching(),
                        false,
                        g.windows(),
                        g.domain()));
                reimaged.add(groups.size() - 1);
                machines.put(name, new Present.MachineStart(Optional.of(image), Map.of()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ScenarioException("changes", problems);
        }
        return s.with(
                hosts,
                groups,
                new Present(machines, s.present().ledgers(), s.present().leftOut()));
    }

    /** The changes in words, one line each (the what-if report's header). */
    public List<String> describe(Scenario s) {
        List<String> out = new ArrayList<>();
        outages.forEach(o -> out.add(o.host().orElse(s.host().name()) + " unreachable from day " + days(o.from())
                + " for " + days(o.length()) + (o.length().equals(Duration.ofDays(1)) ? " day" : " days")));
        retire.forEach(r -> out.add("machines matching " + r.pattern() + " retired on day " + days(r.at())));
        reimage.forEach(r -> out.add(
                r.count() + " machine(s) re-imaged on day " + days(r.at()) + " without generalizing (one CMID)"));
        removeHostKeys.forEach(k -> out.add("host key " + k + " removed"));
        removeLicensePacks.forEach(p -> out.add("license pack " + p + " removed"));
        return out;
    }

    private static String days(Duration d) {
        return d.toHoursPart() == 0 && d.toMinutesPart() == 0
                ? String.valueOf(d.toDays())
                : String.format(Locale.ROOT, "%.2f", d.toMinutes() / 1440.0);
    }

    private static int indexOf(List<Scenario.HostPlan> hosts, String name) {
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Pattern glob(String pattern) {
        StringBuilder b = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            b.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(b.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static Scenario.HostPlan host(
            Scenario.HostPlan h, List<HostKey> keys, Set<String> packs, List<Scenario.Outage> outages) {
        return new Scenario.HostPlan(
                h.name(),
                h.domain(),
                h.port(),
                h.publishDns(),
                keys,
                packs,
                h.activationInterval(),
                h.renewalInterval(),
                outages,
                h.catalogKeys(),
                h.priority(),
                h.weight(),
                h.changes());
    }

    private static Scenario.MachineGroup leaving(Scenario.MachineGroup g, Duration at) {
        return new Scenario.MachineGroup(
                g.namePattern(),
                g.count(),
                g.products(),
                g.arrive(),
                g.every(),
                Optional.of(at),
                g.clockSkew(),
                g.endpoint(),
                g.hostCaching(),
                g.cloned(),
                g.windows(),
                g.domain());
    }
}
