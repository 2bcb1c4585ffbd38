package org.kmsagent.agent.simulate;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.text.Guids;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.simulate.ScenarioFile.LedgerClientFile;
import org.kmsagent.agent.simulate.ScenarioFile.LedgerFile;
import org.kmsagent.agent.simulate.ScenarioFile.PresentFile;
import org.kmsagent.agent.simulate.ScenarioFile.PresentMachineFile;
import org.kmsagent.agent.simulate.ScenarioFile.PresentProductFile;
import org.kmsagent.api.LicenseStatus;

/**
 * Validates a scenario's {@code present:} section (docs/simulate.md, "The present"): each machine it names is one of
 * the fleet's, each product one of that machine's editions, each host one of the scenario's; times are UTC instants.
 * Problems are added to the reader's list with their field path, like every other field's.
 */
final class PresentReader {
    /** How far a reported validUntil may lie past lastSuccess + 180 days: Windows reports the time left rounded. */
    private static final Duration ROUNDING = Duration.ofHours(1);

    private final List<LoadedFamily> families;
    private final ScenarioFamilies known;

    PresentReader(ScenarioFamilies known) {
        this.known = known;
        this.families = known.loaded();
    }

    Present read(
            PresentFile f,
            Instant start,
            List<Scenario.HostPlan> hosts,
            List<Scenario.MachineGroup> groups,
            List<FieldProblem> problems) {
        Map<String, Scenario.MachineGroup> byName = new LinkedHashMap<>();
        for (Scenario.MachineGroup g : groups) {
            for (int i = 0; i < g.count(); i++) {
                byName.put(g.machineName(i), g);
            }
        }
        Map<String, Present.MachineStart> machines = new LinkedHashMap<>();
        List<PresentMachineFile> ms = f.machines() == null ? List.of() : f.machines();
        for (int i = 0; i < ms.size(); i++) {
            String at = "present.machines[" + i + "]";
            PresentMachineFile m = ms.get(i);
            if (m == null || m.name() == null) {
                problems.add(new FieldProblem(
                        at + ".name", "each machine of the present needs the name of a machine of the fleet"));
                continue;
            }
            Scenario.MachineGroup g = byName.get(m.name());
            if (g == null) {
                problems.add(new FieldProblem(
                        at + ".name", "'" + BoundedInput.shown(m.name()) + "' is no machine of 'machines'"));
                continue;
            }
            if (machines.containsKey(m.name())) {
                problems.add(new FieldProblem(at + ".name", "'" + BoundedInput.shown(m.name()) + "' is given twice"));
                continue;
            }
            Optional<UUID> cmid = m.cmid() == null ? Optional.empty() : uuid(at + ".cmid", m.cmid(), problems);
            Map<String, Present.ProductStart> products = new LinkedHashMap<>();
            List<PresentProductFile> ps = m.products() == null ? List.of() : m.products();
            for (int j = 0; j < ps.size(); j++) {
                String pat = at + ".products[" + j + "]";
                PresentProductFile p = ps.get(j);
                Optional<Scenario.ProductPlan> plan = p == null || p.edition() == null
                        ? Optional.empty()
                        : g.products().stream()
                                .filter(x -> x.sku().name().equalsIgnoreCase(p.edition()))
                                .findFirst();
                if (plan.isEmpty()) {
                    problems.add(new FieldProblem(
                            pat + ".edition",
                            "'" + BoundedInput.shown(p == null ? null : p.edition())
                                    + "' is not installed on " + m.name() + " (it has: "
                                    + String.join(
                                            ", ",
                                            g.products().stream()
                                                    .map(x -> x.sku().name())
                                                    .toList()) + ")"));
                    continue;
                }
                Present.ProductStart ps1 = product(pat, p, start, problems);
                if (ps1 != null) {
                    products.put(plan.get().sku().name(), ps1);
                }
            }
            machines.put(m.name(), new Present.MachineStart(cmid, products));
        }
        Map<String, List<Present.LedgerSeed>> ledgers = new LinkedHashMap<>();
        List<String> leftOut = new ArrayList<>();
        List<LedgerFile> ls = f.ledgers() == null ? List.of() : f.ledgers();
        for (int i = 0; i < ls.size(); i++) {
            String at = "present.ledgers[" + i + "]";
            LedgerFile l = ls.get(i);
            Optional<Scenario.HostPlan> host = l == null || l.host() == null
                    ? Optional.empty()
                    : hosts.stream()
                            .filter(h -> h.name().equalsIgnoreCase(l.host()))
                            .findFirst();
            if (host.isEmpty()) {
                problems.add(new FieldProblem(
                        at + ".host",
                        "'" + BoundedInput.shown(l == null ? null : l.host())
                                + "' is no host of this scenario (hosts: "
                                + String.join(
                                        ", ",
                                        hosts.stream()
                                                .map(Scenario.HostPlan::name)
                                                .toList()) + ")"));
                continue;
            }
            List<Present.LedgerSeed> seeds = new ArrayList<>();
            List<LedgerClientFile> cs = l.clients() == null ? List.of() : l.clients();
            Set<String> unknown = new TreeSet<>();
            for (int j = 0; j < cs.size(); j++) {
                Present.LedgerSeed seed = client(at + ".clients[" + j + "]", cs.get(j), start, problems, unknown);
                if (seed != null) {
                    seeds.add(seed);
                }
            }
            if (!unknown.isEmpty()) {
                // A genuine host counts products no plugin here describes: which pool they are in is unknown, so they
                // are left out of its table, and the what-if says so.
                leftOut.add(cs.stream()
                                .filter(c -> c != null
                                        && c.family() == null
                                        && c.skuId() != null
                                        && Guids.parse(Guids.bare(c.skuId()))
                                                .map(id -> unknown.contains(id.toString()))
                                                .orElse(false))
                                .count()
                        + " client(s) of " + host.get().name()
                        + " with a SKU no loaded plugin knows (" + String.join(", ", unknown) + ")");
            }
            ledgers.merge(host.get().name(), seeds, (a, b) -> {
                List<Present.LedgerSeed> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
        }
        return new Present(machines, ledgers, leftOut);
    }

    private static Present.ProductStart product(
            String at, PresentProductFile p, Instant start, List<FieldProblem> problems) {
        LicenseStatus status;
        try {
            status = LicenseStatus.valueOf(p.status() == null ? "" : p.status().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(
                    at + ".status",
                    "'" + BoundedInput.shown(p.status()) + "' is not a license status (one"
                            + " of LICENSED, INITIAL_GRACE, ADDITIONAL_GRACE, EXTENDED_GRACE, NOTIFICATION)"));
            return null;
        }
        Optional<Instant> validUntil =
                p.validUntil() == null ? Optional.empty() : instant(at + ".validUntil", p.validUntil(), problems);
        if ((status == LicenseStatus.LICENSED || status.isGrace()) && p.validUntil() == null) {
            problems.add(new FieldProblem(
                    at + ".validUntil",
                    "a " + status + " product needs the time its "
                            + (status == LicenseStatus.LICENSED ? "activation runs out" : "grace ends")));
            return null;
        }
        Optional<Instant> lastSuccess =
                p.lastSuccess() == null ? Optional.empty() : instant(at + ".lastSuccess", p.lastSuccess(), problems);
        // What cannot be: a success after the moment the present describes, or a validity longer than the 180 days
        // an activation or renewal gives (docs/kms-rules.md §2.1). A validity shorter than lastSuccess + 180 days can
        // be: a snapshot's lastSuccess is its family's latest (the hub keeps renewals per family), so of two products
        // of one family renewing at different times (Office and Visio of one release) the earlier one's ends sooner.
        if (lastSuccess.isPresent() && lastSuccess.get().isAfter(start)) {
            problems.add(new FieldProblem(
                    at + ".lastSuccess",
                    lastSuccess.get() + " is after the start " + start
                            + " (the last success must already have happened)"));
            return null;
        }
        if (status == LicenseStatus.LICENSED
                && lastSuccess.isPresent()
                && validUntil.isPresent()
                && validUntil
                        .get()
                        .isAfter(lastSuccess.get().plus(KmsRules.VALIDITY).plus(ROUNDING))) {
            problems.add(new FieldProblem(
                    at + ".validUntil",
                    validUntil.get() + " is more than "
                            + KmsRules.VALIDITY.toDays() + " days after lastSuccess " + lastSuccess.get()
                            + " (an activation or renewal is valid for " + KmsRules.VALIDITY.toDays()
                            + " days; at most "
                            + lastSuccess.get().plus(KmsRules.VALIDITY) + ")"));
            return null;
        }
        Optional<Instant> next =
                p.nextAttempt() == null ? Optional.empty() : instant(at + ".nextAttempt", p.nextAttempt(), problems);
        // Without the agent's own schedule: a licensed product renews a renewal interval after its last success, any
        // other tries at once (docs/kms-rules.md §2.1).
        Instant due = next.orElseGet(() -> status == LicenseStatus.LICENSED && lastSuccess.isPresent()
                ? lastSuccess.get().plus(KmsRules.RENEWAL_INTERVAL)
                : start);
        return new Present.ProductStart(
                status, validUntil, lastSuccess, Optional.ofNullable(p.host()), due.isBefore(start) ? start : due);
    }

    private Present.LedgerSeed client(
            String at, LedgerClientFile c, Instant start, List<FieldProblem> problems, Set<String> unknown) {
        if (c == null || c.cmid() == null || c.lastRequest() == null) {
            problems.add(new FieldProblem(at, "each client needs 'cmid' and 'lastRequest'"));
            return null;
        }
        Optional<UUID> cmid = uuid(at + ".cmid", c.cmid(), problems);
        Optional<Instant> last = instant(at + ".lastRequest", c.lastRequest(), problems);
        Optional<LoadedFamily> family = Optional.empty();
        if (c.family() != null) {
            family = known.byId(c.family());
            if (family.isEmpty()) {
                problems.add(known.unknown(at + ".family", c.family()));
                return null;
            }
        } else if (c.skuId() != null) {
            Optional<UUID> sku = Guids.parse(Guids.bare(c.skuId()));
            family = families.stream()
                    .filter(f ->
                            sku.isPresent() && f.catalog().bySkuId(sku.get()).isPresent())
                    .findFirst();
            if (sku.isEmpty()) {
                problems.add(new FieldProblem(
                        at + ".skuId", "'" + BoundedInput.shown(c.skuId()) + "' is not a SKU id (a GUID)"));
                return null;
            }
            if (family.isEmpty()) {
                unknown.add(sku.get().toString());
                return null;
            }
        } else {
            problems.add(new FieldProblem(at, "give 'family' or 'skuId' (which count pool the client is in)"));
            return null;
        }
        if (cmid.isEmpty() || last.isEmpty()) {
            return null;
        }
        if (last.get().isAfter(start)) {
            problems.add(new FieldProblem(at + ".lastRequest", last.get() + " is after the start " + start));
            return null;
        }
        LoadedFamily f = family.get();
        int required = c.requiredCount() != null
                ? c.requiredCount()
                : f.catalog().skus().stream()
                        .mapToInt(s -> s.thresholdClass().minimumCount())
                        .max()
                        .orElse(0);
        if (required < 1 || required > 1000) {
            problems.add(FieldProblem.outOfRange(at + ".requiredCount", required, 1, 1000));
            return null;
        }
        return new Present.LedgerSeed(
                f.countPool(), cmid.get(), c.name() == null ? c.cmid() : c.name(), last.get(), required);
    }

    /** A CMID as a snapshot writes it, or with the braces Windows' own tools put around it. */
    private static Optional<UUID> uuid(String at, String text, List<FieldProblem> problems) {
        Optional<UUID> id = Guids.parse(Guids.bare(text));
        if (id.isEmpty()) {
            problems.add(new FieldProblem(at, "'" + BoundedInput.shown(text) + "' is not a CMID (a GUID)"));
        }
        return id;
    }

    private static Optional<Instant> instant(String at, String text, List<FieldProblem> problems) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(
                    at, "'" + BoundedInput.shown(text) + "' is not a UTC time like " + "2026-01-05T08:00:00Z"));
            return Optional.empty();
        }
    }
}
