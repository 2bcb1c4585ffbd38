package org.kmsagent.agent.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.agent.core.WholeNumber;
import org.kmsagent.agent.core.text.Guids;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicensePack;
import org.kmsagent.api.LicensingServices;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.ThresholdClass;

/**
 * Reads a plugin's catalog document and validates everything about it that can be checked within one plugin: the
 * JSON shape, every key's format (docs/kms-rules.md §6), unique names, keys and SKU ids ({@link KeySharing}), known or
 * declared threshold classes, product-group references and ids. Checks across plugins are the registry's ({@link FamilyRegistry}).
 *
 * <p>Every declaration is checked as declared, not only through what uses it: a name people type (editions, product
 * groups, host keys, the license pack) is neither blank nor padded, a declared threshold class is one an edition
 * uses, and a declared license pack is one a host key needs. A declaration nothing uses changes nothing the agent
 * does, so it is most often a misspelling of the name that was meant, and is refused rather than ignored.
 */
public final class CatalogReader {
    /** The largest catalog read (the bundled ones are 2 to 12 KB). */
    static final int MAX_BYTES = 1024 * 1024;

    /** Reads and validates the document at {@code url} for the family {@code familyId}. */
    public SkuCatalog read(String familyId, URL url) throws CatalogException {
        return readWithGroups(familyId, url).catalog();
    }

    /**
     * A validated catalog and every product group it declares, in document order.
     *
     * @param catalog the catalog, whose editions name only the groups they use
     * @param productGroups every declared group, those no edition uses included: the registry checks them all against
     *     the other plugins' (a group name means one KMS id across plugins, docs/plugin-guide.md)
     */
    public record ReadCatalog(SkuCatalog catalog, List<ProductGroup> productGroups) {
        public ReadCatalog {
            Objects.requireNonNull(catalog, "catalog");
            productGroups = List.copyOf(productGroups);
        }
    }

    /** As {@link #read}, keeping the declared product groups too (what the plugin host admits a family with). */
    public ReadCatalog readWithGroups(String familyId, URL url) throws CatalogException {
        if (url == null) {
            throw new CatalogException("catalog resource not found (ProductFamily.catalogResource() returned null)");
        }
        byte[] text;
        try (InputStream in = url.openStream()) {
            text = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new CatalogException("catalog cannot be read: " + e.getMessage(), e);
        }
        if (text.length > MAX_BYTES) {
            throw new CatalogException("catalog is larger than " + MAX_BYTES / 1024 + " KB");
        }
        return validate(familyId, CatalogJson.read(text));
    }

    ReadCatalog validate(String familyId, CatalogDocument doc) throws CatalogException {
        if (doc.displayName().isBlank()) {
            throw new CatalogException("catalog displayName: must not be blank");
        }
        UUID applicationId = uuid("catalog applicationId", doc.applicationId());
        if (doc.gracePeriodDays() < 1) {
            throw new CatalogException("catalog gracePeriodDays: "
                    + WholeNumber.refusal(WholeNumber.accepted("", 1), doc.gracePeriodDays()));
        }
        List<ThresholdClass> declaredClasses = thresholdClasses(doc);
        Map<String, ThresholdClass> classes = new HashMap<>();
        ThresholdClass.WELL_KNOWN.forEach(c -> classes.put(c.name(), c));
        declaredClasses.forEach(c -> classes.put(c.name(), c));
        Map<String, ProductGroup> groups = productGroups(doc);

        List<Sku> skus = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> keyOwner = new HashMap<>();
        Map<UUID, Integer> skuIdOwner = new HashMap<>();
        for (int i = 0; i < doc.skus().size(); i++) {
            CatalogDocument.SkuEntry e = doc.skus().get(i);
            String at = entry("skus", i, e.name());
            Integer same = names.putIfAbsent(e.name().toLowerCase(Locale.ROOT), i);
            if (same != null) {
                String first = doc.skus().get(same).name();
                throw new CatalogException(at + ".name: duplicate edition name, as " + listed("skus", same, first)
                        + (first.equals(e.name()) ? "" : ", ignoring case"));
            }
            ProductKey key;
            try {
                key = new ProductKey(e.gvlk());
            } catch (IllegalArgumentException ex) {
                throw new CatalogException(at + ".gvlk: " + ex.getMessage());
            }
            ThresholdClass tc = classes.get(e.thresholdClass());
            if (tc == null) {
                throw new CatalogException(at + ".thresholdClass: '" + e.thresholdClass()
                        + "' is neither well-known (client, server, office) nor declared in thresholdClasses");
            }
            ProductGroup group = groups.get(e.group());
            if (group == null) {
                throw new CatalogException(at + ".group: '" + e.group() + "' is not declared in productGroups");
            }
            Optional<UUID> skuId = e.skuId() == null ? Optional.empty() : Optional.of(uuid(at + ".skuId", e.skuId()));
            Sku sku = new Sku(e.name(), e.product(), e.edition(), skuId, key, group, tc);
            Integer other = keyOwner.putIfAbsent(key.value(), i);
            if (other != null) {
                Optional<String> why = KeySharing.notOneSku(sku, skus.get(other));
                if (why.isPresent()) {
                    throw new CatalogException(at + ".gvlk: key " + key + " is also the key of "
                            + listed("skus", other, skus.get(other).name()) + ", " + why.get());
                }
            }
            Integer first = skuId.isEmpty() ? null : skuIdOwner.putIfAbsent(skuId.get(), i);
            if (first != null) {
                List<String> differences = KeySharing.differences(sku, skus.get(first));
                if (!differences.isEmpty()) {
                    throw new CatalogException(at + ".skuId: skuId " + skuId.get() + " is already "
                            + listed("skus", first, skus.get(first).name()) + ", which has "
                            + String.join(" and ", differences)
                            + ": one SKU under several names keeps one key, product group and threshold class");
                }
            }
            skus.add(sku);
        }
        if (skus.isEmpty()) {
            throw new CatalogException("catalog skus: a family needs at least one edition");
        }
        everyDeclaredClassIsUsed(declaredClasses, skus);
        List<HostKey> hostKeys = hostKeys(doc, groups);
        Optional<LicensePack> pack = Optional.empty();
        if (doc.licensePack() != null) {
            pack = Optional.of(licensePack(doc.licensePack(), hostKeys));
        }
        LicensingServices services = new LicensingServices(
                doc.licensingService().windows7AndOlder(),
                doc.licensingService().windows8AndLater());
        SkuCatalog catalog = new SkuCatalog(
                familyId,
                doc.displayName(),
                applicationId,
                services,
                skus,
                hostKeys,
                pack,
                Duration.ofDays(doc.gracePeriodDays()));
        return new ReadCatalog(catalog, List.copyOf(groups.values()));
    }

    /** The declared classes, in document order: each well formed, declared once, a well-known one as it is known. */
    private static List<ThresholdClass> thresholdClasses(CatalogDocument doc) throws CatalogException {
        List<CatalogDocument.ThresholdClassEntry> entries =
                doc.thresholdClasses() == null ? List.of() : doc.thresholdClasses();
        Map<String, ThresholdClass> declared = new LinkedHashMap<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            CatalogDocument.ThresholdClassEntry e = entries.get(i);
            String at = entry("thresholdClasses", i, e.name());
            // Checked here before plugin-api's own guard, in the words of every whole number out of range.
            if (e.minimumCount() < 1) {
                throw new CatalogException(
                        at + ".minimumCount: " + WholeNumber.refusal(WholeNumber.accepted("", 1), e.minimumCount()));
            }
            ThresholdClass tc;
            try {
                tc = new ThresholdClass(e.name(), e.minimumCount());
            } catch (IllegalArgumentException ex) {
                throw new CatalogException(at + ": " + ex.getMessage());
            }
            Integer same = index.putIfAbsent(tc.name(), i);
            if (same != null) {
                throw new CatalogException(
                        at + ".name: duplicate threshold class, as " + listed("thresholdClasses", same, tc.name()));
            }
            declared.put(tc.name(), tc);
            Optional<ThresholdClass> known = ThresholdClass.wellKnown(tc.name());
            if (known.isPresent() && known.get().minimumCount() != tc.minimumCount()) {
                throw new CatalogException(at + ": class '" + tc.name() + "' is already defined with minimum "
                        + known.get().minimumCount() + ", not " + tc.minimumCount());
            }
        }
        return List.copyOf(declared.values());
    }

    /**
     * Refuses a declared class no edition names: only an edition's {@code thresholdClass} can use one, so such a
     * declaration is dead, and checking it would be skipped by every check that goes through the editions (the
     * registry's one minimum per name across plugins among them).
     */
    private static void everyDeclaredClassIsUsed(List<ThresholdClass> declared, List<Sku> skus)
            throws CatalogException {
        Set<String> used = new LinkedHashSet<>();
        skus.forEach(s -> used.add(s.thresholdClass().name()));
        for (int i = 0; i < declared.size(); i++) {
            String name = declared.get(i).name();
            if (!used.contains(name)) {
                throw new CatalogException(entry("thresholdClasses", i, name) + ".name: '" + name
                        + "' is declared but no edition's thresholdClass names it (the editions use "
                        + String.join(", ", used) + ")");
            }
        }
    }

    private static Map<String, ProductGroup> productGroups(CatalogDocument doc) throws CatalogException {
        Map<String, ProductGroup> groups = new LinkedHashMap<>();
        Map<String, Integer> names = new HashMap<>();
        Map<UUID, Integer> ids = new HashMap<>();
        for (int i = 0; i < doc.productGroups().size(); i++) {
            CatalogDocument.ProductGroupEntry e = doc.productGroups().get(i);
            String at = entry("productGroups", i, e.name());
            UUID id = uuid(at + ".kmsId", e.kmsId());
            Integer same = names.putIfAbsent(e.name(), i);
            if (same != null) {
                throw new CatalogException(
                        at + ".name: duplicate product group, as " + listed("productGroups", same, e.name()));
            }
            groups.put(e.name(), new ProductGroup(e.name(), id));
            same = ids.putIfAbsent(id, i);
            if (same != null) {
                throw new CatalogException(at + ".kmsId: " + id + " is already the kmsId of "
                        + listed(
                                "productGroups",
                                same,
                                doc.productGroups().get(same).name()));
            }
        }
        return groups;
    }

    private static List<HostKey> hostKeys(CatalogDocument doc, Map<String, ProductGroup> groups)
            throws CatalogException {
        List<CatalogDocument.HostKeyEntry> entries = doc.hostKeys() == null ? List.of() : doc.hostKeys();
        List<HostKey> keys = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            CatalogDocument.HostKeyEntry e = entries.get(i);
            String at = entry("hostKeys", i, e.name());
            Integer same = names.putIfAbsent(e.name(), i);
            if (same != null) {
                throw new CatalogException(at + ".name: duplicate host key, as " + listed("hostKeys", same, e.name()));
            }
            Set<UUID> activates = new LinkedHashSet<>();
            for (String g : e.activates()) {
                ProductGroup group = groups.get(g);
                if (group == null) {
                    throw new CatalogException(at + ".activates: '" + g + "' is not declared in productGroups");
                }
                activates.add(group.kmsId());
            }
            if (e.licensePack() != null
                    && (doc.licensePack() == null || !doc.licensePack().name().equals(e.licensePack()))) {
                throw new CatalogException(
                        at + ".licensePack: '" + e.licensePack() + "' is not this catalog's licensePack");
            }
            keys.add(new HostKey(e.name(), activates, Optional.ofNullable(e.licensePack()), e.generation()));
        }
        return keys;
    }

    /** The catalog's pack, which one of its own host keys must need: nothing else makes a host need a pack. */
    private static LicensePack licensePack(CatalogDocument.LicensePackEntry e, List<HostKey> hostKeys)
            throws CatalogException {
        String at = "catalog licensePack";
        name(at + ".name", e.name());
        UUID hostId = uuid(at + ".hostActivationId", e.hostActivationId());
        if (hostKeys.stream()
                .noneMatch(k -> k.licensePack().filter(e.name()::equals).isPresent())) {
            throw new CatalogException(at + ".name: '" + e.name()
                    + "' is declared but no hostKeys[].licensePack names it, so no host would need it");
        }
        List<String> hostSystems = e.hostOperatingSystems() == null ? List.of() : e.hostOperatingSystems();
        return new LicensePack(e.name(), hostId, hostSystems);
    }

    /** Another entry of a list, as a message about an entry names it: {@code skus[3] (name)}. */
    private static String listed(String list, int i, String name) {
        return list + "[" + i + "] (" + name + ")";
    }

    /** Where entry {@code i} of a list is, for messages ({@code catalog skus[3] (name)}), its name checked first. */
    private static String entry(String list, int i, String name) throws CatalogException {
        String at = "catalog " + list + "[" + i + "]";
        name(at + ".name", name);
        return path(list, i, name);
    }

    /**
     * Where entry {@code i} of a list is, named ({@code catalog skus[3] (name)}): how every message about an entry
     * starts, the registry's against other plugins too.
     */
    static String path(String list, int i, String name) {
        return "catalog " + listed(list, i, name);
    }

    /**
     * Checks a declared name: people type it ({@code kms-agent gvlk "…"}, {@code simulate --remove-host-key "…"},
     * {@code host.licensePacks}) and other entries refer to it by its exact text, so it is neither blank nor padded.
     */
    private static void name(String at, String name) throws CatalogException {
        if (name.isBlank() || !name.strip().equals(name)) {
            throw new CatalogException(at + ": '" + name + "' is not a name (blank, or with spaces around it)");
        }
    }

    private static UUID uuid(String at, String text) throws CatalogException {
        return Guids.parse(text).orElseThrow(() -> new CatalogException(at + ": '" + text + "' is not a GUID"));
    }
}
