package org.kmsagent.agent.simulate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.text.ClosestNames;
import org.kmsagent.agent.plugin.EditionNames;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.simulate.ScenarioFile.GroupFile;
import org.kmsagent.agent.simulate.ScenarioFile.ProductFile;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.Sku;
import org.kmsagent.api.WindowsVersion;

/**
 * Reads one group of a scenario's fleet ({@code machines[i]}): its name pattern and count, its products (each an
 * edition of a loaded family with a SKU id), when its machines arrive and leave, their clock skew, KMS endpoint and
 * Windows version; each problem named by its field.
 */
final class MachineGroupReader {
    /** How far a machine's clock may be off either way: 100 years (beyond 4 hours every request is refused anyway). */
    static final Duration MAX_SCENARIO_CLOCK_SKEW = Duration.ofDays(36_500);
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

    private final List<LoadedFamily> families;
    private final ScenarioFamilies known;

    MachineGroupReader(ScenarioFamilies known) {
        this.known = known;
        this.families = known.loaded();
    }

    /**
     * The group at {@code field} ({@code machines[2]}), its domain by default the host's; null when anything of it is
     * wrong, each problem added to {@code problems}.
     */
    Scenario.MachineGroup read(String field, GroupFile g, Scenario.HostPlan host, List<FieldProblem> problems) {
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
        } else if (count > ScenarioReader.MAX_MACHINES) {
            problems.add(new FieldProblem(
                    field + ".count",
                    count + " machines is more than the limit of " + ScenarioReader.MAX_MACHINES
                            + " (for the whole fleet)"));
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
                problems.add(
                        new FieldProblem(pf + ".family", "required (loaded: " + FamilyRegistry.ids(families) + ")"));
                continue;
            }
            Optional<LoadedFamily> fam = known.byId(p.family());
            if (fam.isEmpty()) {
                problems.add(known.unknown(pf + ".family", p.family()));
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
                                + fam.get().id() + "; " + suggestion(fam.get(), p.edition())));
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
        Duration arrive = Durations.read(field + ".arrive", g.arrive() == null ? "0" : g.arrive(), problems);
        Duration every = Durations.read(field + ".every", g.every() == null ? "0" : g.every(), problems);
        Duration leave = g.leave() == null ? null : Durations.read(field + ".leave", g.leave(), problems);
        Duration skew = Durations.read(field + ".clockSkew", g.clockSkew() == null ? "0" : g.clockSkew(), problems);
        if (skew != null && skew.abs().compareTo(MAX_SCENARIO_CLOCK_SKEW) > 0) {
            problems.add(new FieldProblem(
                    field + ".clockSkew",
                    BoundedInput.shown(g.clockSkew()) + " is more than the allowed " + MAX_SCENARIO_CLOCK_SKEW.toDays()
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

    /**
     * What to write instead of an edition {@code family} does not hold: the family that does hold it, else the names
     * closest to it in {@code family} ({@link ClosestNames}, as {@code kms-agent gvlk} suggests them), else those
     * closest in the other loaded families, named with their family.
     */
    private String suggestion(LoadedFamily family, String edition) {
        Optional<LoadedFamily> owner = EditionNames.familyOf(edition, families);
        if (owner.isPresent()) {
            return "it is an edition of family " + owner.get().id();
        }
        List<String> close = ClosestNames.closest(edition, names(List.of(family)));
        if (!close.isEmpty()) {
            return ClosestNames.didYouMean(close);
        }
        List<LoadedFamily> others =
                families.stream().filter(f -> !f.id().equals(family.id())).toList();
        close = ClosestNames.closest(edition, names(others));
        if (!close.isEmpty()) {
            // Named with the family of the first suggestion (one that holds the whole of what was typed, else the
            // nearest: ClosestNames' order), and only its editions: a line of names each with its own family would be
            // a list to read, not a suggestion.
            LoadedFamily nearest = EditionNames.familyOf(close.get(0), others).orElseThrow();
            List<String> ofIt = close.stream()
                    .filter(n -> nearest.catalog().byName(n).isPresent())
                    .toList();
            return (ofIt.size() == 1 ? "the closest edition is" : "the closest editions are") + " of family "
                    + nearest.id() + ": " + ClosestNames.didYouMean(ofIt);
        }
        return "see 'kms-agent products --family " + family.id() + "' for its editions";
    }

    private static List<String> names(List<LoadedFamily> families) {
        return families.stream()
                .flatMap(f -> f.catalog().skus().stream())
                .map(Sku::name)
                .toList();
    }
}
