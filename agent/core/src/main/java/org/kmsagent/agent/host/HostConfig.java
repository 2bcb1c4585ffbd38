package org.kmsagent.agent.host;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.ThresholdClass;

/**
 * What one modelled KMS host is: its name, the host keys (CSVLKs) installed on it, the Office license packs it holds
 * and its settings.
 *
 * @param name the host's name, as clients record it
 * @param hostKeys the host keys it holds; together they decide which product groups it serves (docs/kms-rules.md §3)
 * @param licensePacks names of the license packs it holds ({@link org.kmsagent.api.LicensePack#name()})
 * @param settings intervals, port and DNS publishing
 * @param catalogKeys every host key the loaded families' catalogs declare, with the class of the family declaring it
 *     ({@link #keyClass}: client CSVLKs are of class {@code client}, server CSVLKs {@code server}, every Office
 *     release's key {@code office}): what tells a key of the wrong class from one that is too old; empty when
 *     unknown
 */
public record HostConfig(
        String name,
        List<HostKey> hostKeys,
        Set<String> licensePacks,
        HostSettings settings,
        Map<HostKey, String> catalogKeys) {
    /** A host whose keys' families are not known (no wrong-class diagnosis). */
    public HostConfig(String name, List<HostKey> hostKeys, Set<String> licensePacks, HostSettings settings) {
        this(name, hostKeys, licensePacks, settings, Map.of());
    }

    public HostConfig {
        Objects.requireNonNull(name, "host name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("host name: must not be blank");
        }
        hostKeys = List.copyOf(hostKeys);
        licensePacks = Set.copyOf(licensePacks);
        Objects.requireNonNull(settings, "host settings");
        catalogKeys = catalogKeys == null ? Map.of() : Map.copyOf(catalogKeys);
    }

    /** A host with default settings. */
    public static HostConfig of(String name, List<HostKey> hostKeys, Set<String> licensePacks) {
        return new HostConfig(name, hostKeys, licensePacks, HostSettings.defaults());
    }

    public HostConfig withSettings(HostSettings newSettings) {
        return new HostConfig(name, hostKeys, licensePacks, newSettings, catalogKeys);
    }

    /**
     * Whether the host can use that key: an Office host key can only be installed once its license pack is on the host
     * (docs/kms-rules.md §3.3); Windows host keys need no pack.
     */
    public boolean canUse(HostKey key) {
        return key.licensePack().map(licensePacks::contains).orElse(true);
    }

    /** Whether some usable host key activates that product group (docs/kms-rules.md §3.1, §3.2, §3.3). */
    public boolean serves(ProductGroup group) {
        for (HostKey key : hostKeys) {
            if (key.activates(group) && canUse(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The class of the host keys a family declares: the threshold classes of its editions ({@code client},
     * {@code server}, {@code office}). A key of another class never serves the family, whatever its age; a key of the
     * same class that does not serve it is too old (an Office 2019 key asked by Office LTSC 2021).
     */
    public static String keyClass(SkuCatalog catalog) {
        return String.join(
                "/",
                catalog.thresholdClasses().stream()
                        .map(ThresholdClass::name)
                        .sorted()
                        .distinct()
                        .toList());
    }

    /**
     * Why the host cannot serve that group when its keys are of the wrong class rather than too old: it holds keys,
     * but only of classes none of whose keys activates the group (a Windows client CSVLK asked by a Windows Server:
     * only a server host key activates a server, kms-rules.md §3.1). A newer key of the same class would not help, so
     * "too old" would send the administrator to the wrong fix. Empty when that is not the case or the families of the
     * keys are not known.
     */
    public Optional<String> wrongClass(ProductGroup group) {
        if (serves(group) || hostKeys.isEmpty() || catalogKeys.isEmpty()) {
            return Optional.empty();
        }
        Set<String> able = new TreeSet<>();
        HostKey oldestAble = null;
        for (Map.Entry<HostKey, String> e : catalogKeys.entrySet()) {
            if (e.getKey().activates(group)) {
                able.add(e.getValue());
                if (oldestAble == null || e.getKey().generation() < oldestAble.generation()) {
                    oldestAble = e.getKey();
                }
            }
        }
        Set<String> held = new TreeSet<>();
        for (HostKey k : hostKeys) {
            String family = catalogKeys.get(k);
            if (family == null) {
                return Optional.empty(); // a key no catalog declares: nothing to say about its class
            }
            held.add(family);
        }
        if (able.isEmpty() || held.stream().anyMatch(able::contains)) {
            return Optional.empty();
        }
        return Optional.of("host " + name + " holds only " + String.join(", ", held) + " host keys ("
                + hostKeys.stream().map(HostKey::name).toList() + "); " + group.name() + " needs a "
                + String.join(" or ", able) + " host key, e.g. the " + oldestAble.name() + " or newer");
    }
}
