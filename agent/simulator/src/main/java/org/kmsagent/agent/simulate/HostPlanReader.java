package org.kmsagent.agent.simulate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.simulate.ScenarioFile.HostFile;
import org.kmsagent.agent.simulate.ScenarioFile.OutageFile;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.KmsEndpoint;

/**
 * Reads a scenario's KMS host ({@code host:}, each of {@code hosts:}): its name and port, its host keys and license
 * packs (by default what the loaded families declare), its intervals, outages and later changes; every value is
 * checked against the loaded families and the KMS rules, each problem named by its field.
 */
final class HostPlanReader {
    /** The host's intervals by default (docs/kms-rules.md §2.1). */
    static final Duration DEFAULT_ACTIVATION = KmsRules.ACTIVATION_INTERVAL;

    static final Duration DEFAULT_RENEWAL = KmsRules.RENEWAL_INTERVAL;
    /** The allowed range for both host intervals (docs/kms-rules.md §2.1: 15 min to 30 days). */
    static final Duration MIN_INTERVAL = Duration.ofMinutes(KmsRules.MIN_INTERVAL_MINUTES);

    static final Duration MAX_INTERVAL = Duration.ofMinutes(KmsRules.MAX_INTERVAL_MINUTES);

    private final List<LoadedFamily> families;

    HostPlanReader(List<LoadedFamily> families) {
        this.families = List.copyOf(families);
    }

    static HostFile emptyHost() {
        return new HostFile(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * The host at {@code at} ({@code host}, {@code hosts[1]}), each value not given its default; what is wrong is
     * added to {@code problems}.
     */
    Scenario.HostPlan read(String at, HostFile h, List<FieldProblem> problems) {
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
                Duration from = Durations.read(field + ".from", o.from(), problems);
                Duration to = Durations.read(field + ".to", o.to(), problems);
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
                Duration when = Durations.read(field + ".at", c.at(), problems);
                if (when == null) {
                    continue;
                }
                if (when.isNegative()) {
                    problems.add(new FieldProblem(field + ".at", "must not be negative (a time after the start)"));
                } else if (when.compareTo(last) < 0) {
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

    private static Duration interval(String field, String text, Duration dflt, List<FieldProblem> problems) {
        if (text == null) {
            return dflt;
        }
        Duration d = Durations.read(field, text, problems);
        if (d != null && (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0)) {
            // docs/kms-rules.md §2.1: both intervals range from 15 minutes to 30 days.
            problems.add(new FieldProblem(field, text + " is outside the allowed 15m to 30d"));
            return null;
        }
        return d;
    }

    private static String domainOf(String host) {
        int dot = host.indexOf('.');
        return dot > 0 ? host.substring(dot + 1) : "corp.example";
    }
}
