package org.kmsagent.agent.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicensePack;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.Sku;
import org.kmsagent.api.ThresholdClass;

/**
 * The product families the agent serves, for the rest of the core. Admitting a family checks what no single
 * plugin can check alone: unique family ids, GVLKs, SKU ids and edition names unique across plugins, and one meaning
 * for each shared name (count pool, product group, threshold class, host key, license pack). Product groups are checked as
 * declared, whether or not an edition of the family uses them; the catalog reader has already refused a declared
 * threshold class or license pack that nothing in its catalog uses.
 *
 * <p>Thread-safe; readers get snapshots. Listeners hear of every admission and removal.
 */
public final class FamilyRegistry {
    private final Map<String, LoadedFamily> families = new ConcurrentHashMap<>();
    private final List<Consumer<FamilyRegistry>> listeners = new CopyOnWriteArrayList<>();

    /** The loaded families, ordered by id. */
    public List<LoadedFamily> families() {
        List<LoadedFamily> list = new ArrayList<>(families.values());
        list.sort(Comparator.comparing(LoadedFamily::id));
        return list;
    }

    /** The family with that id. */
    public Optional<LoadedFamily> family(String id) {
        return Optional.ofNullable(families.get(id));
    }

    /**
     * The one refusal of a family id that is not loaded, wherever one is typed (a command's {@code --family}, a ctl
     * request, a scenario): {@code no loaded family 'x' (loaded: office2010, office2013, ...)}, so that whoever
     * typed it sees the ids they can use.
     */
    public String notLoaded(String id) {
        return notLoaded(id, families());
    }

    /** As {@link #notLoaded(String)}, against a list of families read before. */
    public static String notLoaded(String id, List<LoadedFamily> loaded) {
        return "no loaded family '" + BoundedInput.shown(id) + "' (loaded: " + ids(loaded) + ")";
    }

    /**
     * As {@link #notLoaded(String, List)}, for a command that has printed the plugins that failed to load above
     * ({@code warning: plugin not loaded: ...}): a family whose plugin is among {@code failed} is said to be so, {@code
     * family 'x' is not loaded: its plugin failed to load (see above: x-1.0.0.jar: <reason>)}, not as if no plugin
     * provided it; one that is simply absent, as {@link #notLoaded(String, List)} says it.
     */
    public static String notLoaded(String id, List<LoadedFamily> loaded, List<PluginProblem> failed) {
        List<String> jars = failed.stream()
                .filter(p -> p.pluginId().filter(id::equals).isPresent())
                .map(p -> p.jar().getFileName() + ": " + p.reason())
                .toList();
        if (jars.isEmpty()) {
            return notLoaded(id, loaded);
        }
        return "family '" + BoundedInput.shown(id) + "' is not loaded: its plugin failed to load (see above: "
                + String.join("; ", jars) + ")";
    }

    /** The families' ids as a refusal lists them, {@code office2010, office2013, ...}, or {@code none}. */
    public static String ids(List<LoadedFamily> loaded) {
        return loaded.isEmpty() ? "none" : loaded.stream().map(LoadedFamily::id).collect(Collectors.joining(", "));
    }

    /** Calls {@code listener} after every change. */
    public void onChange(Consumer<FamilyRegistry> listener) {
        listeners.add(listener);
    }

    /**
     * Adds a family after checking it against those already admitted, and tells the listeners. A family a listener
     * cannot take in hand (the agent's products of it) is taken back out, so that no half-admitted family is left
     * that the plugin host reports as failed and would refuse to load again.
     *
     * @throws CatalogException naming the conflict and the family it conflicts with, or what the listener refused
     */
    public synchronized void admit(LoadedFamily candidate) throws CatalogException {
        for (LoadedFamily other : families.values()) {
            checkAgainst(candidate, other);
        }
        families.put(candidate.id(), candidate);
        try {
            listeners.forEach(l -> l.accept(this));
        } catch (RuntimeException e) {
            families.remove(candidate.id());
            for (Consumer<FamilyRegistry> l : listeners) {
                try {
                    l.accept(this); // as after a removal: what started for the family stops again
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw new CatalogException(
                    "loaded, but its products could not be taken in hand: "
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName()),
                    e);
        }
    }

    /** Removes a family; returns whether it was there. */
    public synchronized boolean remove(String id) {
        boolean removed = families.remove(id) != null;
        if (removed) {
            listeners.forEach(l -> l.accept(this));
        }
        return removed;
    }

    private static void checkAgainst(LoadedFamily c, LoadedFamily o) throws CatalogException {
        String against = " (already used by family " + o.id() + ")";
        if (c.id().equals(o.id())) {
            throw new CatalogException("family id '" + c.id() + "' is already loaded"
                    + o.source().map(p -> " from " + p.getFileName()).orElse(""));
        }
        // Indexed, not pairwise: a start admits eight families of up to 50 editions each, in the interpreter. Keyed
        // by the key's text: a record's hashCode is bootstrapped on its first call, which costs more than this loop.
        Map<String, List<Sku>> byKey = new HashMap<>();
        Map<String, Sku> byName = new HashMap<>();
        Map<UUID, Sku> bySkuId = new HashMap<>();
        for (Sku t : o.catalog().skus()) {
            t.skuId().ifPresent(id -> bySkuId.putIfAbsent(id, t));
            List<Sku> sharing = byKey.get(t.gvlk().value());
            if (sharing == null) {
                sharing = new ArrayList<>(1);
                byKey.put(t.gvlk().value(), sharing);
            }
            sharing.add(t);
            byName.putIfAbsent(t.name().toLowerCase(Locale.ROOT), t);
        }
        // Each refusal starts with the entry's path in the candidate's catalog, as the reader's own refusals do.
        List<Sku> skus = c.catalog().skus();
        for (int i = 0; i < skus.size(); i++) {
            Sku s = skus.get(i);
            String at = CatalogReader.path("skus", i, s.name());
            for (Sku t : byKey.getOrDefault(s.gvlk().value(), List.of())) {
                Optional<String> why = KeySharing.notOneSku(s, t);
                if (why.isPresent()) {
                    throw new CatalogException(
                            at + ".gvlk: key " + s.gvlk() + " is the key of " + t.name() + ", " + why.get() + against);
                }
            }
            // Not even the same SKU under another name: each family finds the installed products of its SKU ids.
            Sku t = s.skuId().map(bySkuId::get).orElse(null);
            if (t != null) {
                throw new CatalogException(at + ".skuId: skuId " + s.skuId().get() + " is already " + t.name()
                        + ", and an installed product is served by one family" + against);
            }
            if (byName.containsKey(s.name().toLowerCase(Locale.ROOT))) {
                throw new CatalogException(at + ".name: edition name '" + s.name() + "'" + " is not unique" + against);
            }
        }
        // Every declared group, not only those an edition uses: a name means one KMS id across all plugins.
        List<ProductGroup> groups = c.productGroups();
        for (int i = 0; i < groups.size(); i++) {
            ProductGroup g = groups.get(i);
            for (ProductGroup h : o.productGroups()) {
                if (g.name().equals(h.name()) != g.kmsId().equals(h.kmsId())) {
                    throw new CatalogException(CatalogReader.path("productGroups", i, g.name()) + ": product group '"
                            + g.name() + "' (" + g.kmsId() + ") conflicts with '" + h.name() + "' (" + h.kmsId()
                            + ")" + against);
                }
            }
        }
        for (ThresholdClass t : c.catalog().thresholdClasses()) {
            for (ThresholdClass u : o.catalog().thresholdClasses()) {
                if (t.name().equals(u.name()) && t.minimumCount() != u.minimumCount()) {
                    // Shown where an edition names it: the catalog keeps no declaration of a class, only its editions'.
                    int i = firstOfClass(skus, t);
                    throw new CatalogException(CatalogReader.path(
                                    "skus", i, skus.get(i).name())
                            + ".thresholdClass: threshold class '" + t.name() + "' has minimum " + t.minimumCount()
                            + " but " + u.minimumCount() + against);
                }
            }
        }
        // Hosts hold packs by name (host.licensePacks, simulate --remove-license-pack): a name means one pack.
        Optional<LicensePack> p = c.catalog().licensePack();
        Optional<LicensePack> q = o.catalog().licensePack();
        if (p.isPresent()
                && q.isPresent()
                && p.get().name().equals(q.get().name())
                        != p.get().hostActivationId().equals(q.get().hostActivationId())) {
            throw new CatalogException("catalog licensePack: license pack '"
                    + p.get().name() + "' (" + p.get().hostActivationId() + ") conflicts with '"
                    + q.get().name() + "' (" + q.get().hostActivationId() + ")" + against);
        }
        List<HostKey> hostKeys = c.catalog().hostKeys();
        for (int i = 0; i < hostKeys.size(); i++) {
            HostKey k = hostKeys.get(i);
            if (o.catalog().hostKeys().stream().anyMatch(h -> h.name().equals(k.name()))) {
                throw new CatalogException(CatalogReader.path("hostKeys", i, k.name()) + ".name: host key '" + k.name()
                        + "' is not unique" + against);
            }
        }
    }

    /** The index of the first edition of class {@code t}, which one has: a catalog's classes are its editions'. */
    private static int firstOfClass(List<Sku> skus, ThresholdClass t) {
        for (int i = 0; i < skus.size(); i++) {
            if (skus.get(i).thresholdClass().equals(t)) {
                return i;
            }
        }
        throw new IllegalStateException("no edition of class " + t.name());
    }
}
