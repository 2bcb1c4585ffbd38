package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.LicensePack;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.ThresholdClass;

/**
 * What the registry checks across plugins when it admits a family: keys, edition names, declared product groups and
 * license packs against the others.
 */
class FamilyRegistryTest {
    private static final ProductGroup CLIENT_GROUP =
            new ProductGroup("Windows 10/11 client", UUID.fromString("58e2134f-8e11-4d17-9cb2-91069c151148"));
    /** Windows 10/11 Pro's public GVLK and SKU id (docs/kms-rules.md §4). */
    private static final String PRO_KEY = "W269N-WFGWX-YVC9B-4J6C9-T83GX";

    private static final UUID PRO_SKU = UUID.fromString("2de67392-b7a7-462a-b1ca-108dd189f588");
    /** A key of the alphabet that no bundled edition has. */
    private static final String OWN_KEY = "BCDFG-HJKMP-QRTVW-XY234-6789N";

    @Test
    void theBundledFamiliesAreAdmittedTogether() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        for (LoadedFamily f : TestFamilies.all()) {
            registry.admit(f);
        }
        assertThat(registry.families()).hasSize(TestFamilies.all().size());
    }

    @Test
    void aFamilyWhoseProductsCannotBeTakenInHandIsTakenBackOutAndCanBeAdmittedAgain() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        registry.admit(TestFamilies.byId("windows-client"));
        AtomicBoolean broken = new AtomicBoolean(true);
        List<List<String>> heard = new ArrayList<>();
        registry.onChange(r -> {
            heard.add(r.families().stream().map(LoadedFamily::id).toList());
            if (broken.get() && r.family("office2013").isPresent()) {
                throw new IllegalStateException("a product's state cannot be read");
            }
        });

        assertThatThrownBy(() -> registry.admit(TestFamilies.byId("office2013")))
                .isInstanceOf(CatalogException.class)
                .hasMessage("loaded, but its products could not be taken in hand: a product's state cannot be read");
        assertThat(registry.family("office2013")).isEmpty();
        assertThat(registry.families()).extracting(LoadedFamily::id).containsExactly("windows-client");
        // The listener heard the family go again, so that what it started for it stops.
        assertThat(heard).last().isEqualTo(List.of("windows-client"));

        broken.set(false);
        registry.admit(TestFamilies.byId("office2013"));
        assertThat(registry.family("office2013")).isPresent();
    }

    @Test
    void aFamilyThatIsNotLoadedIsRefusedWithTheIdsThatAre() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        assertThat(registry.notLoaded("office2013")).isEqualTo("no loaded family 'office2013' (loaded: none)");

        registry.admit(TestFamilies.byId("windows-server"));
        registry.admit(TestFamilies.byId("office2013"));
        assertThat(registry.notLoaded("office2031"))
                .isEqualTo("no loaded family 'office2031' (loaded: office2013, windows-server)");
        // Whatever was typed is quoted on one line: a pasted newline does not split the refusal.
        assertThat(registry.notLoaded("office\n2031")).doesNotContain("\n").contains("'office\\n2031'");
    }

    @Test
    void aKeyOfAnotherFamilysSkuIsRefusedNamingBoth() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        registry.admit(TestFamilies.byId("windows-client"));
        LoadedFamily thief = family("thief", "Thief Pro", Optional.of(UUID.randomUUID()), PRO_KEY);

        assertThatThrownBy(() -> registry.admit(thief))
                .isInstanceOf(CatalogException.class)
                // Where in its own catalog, as the reader says of an error within one catalog.
                .hasMessageStartingWith("catalog skus[0] (Thief Pro).gvlk: key")
                .hasMessageContaining(
                        "a different SKU, of skuId " + PRO_SKU + " (already used by family windows-client)");
        assertThat(registry.family("thief")).isEmpty();
    }

    @Test
    void theSameSkuIdAndKeyInAnotherProductGroupIsRefusedSayingSo() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        registry.admit(TestFamilies.byId("windows-client"));
        // Windows 10 Pro's key and SKU id, but in a product group of the family's own: not "a different SKU".
        LoadedFamily regrouped = family("regrouped", "Regrouped Pro", Optional.of(PRO_SKU), PRO_KEY);

        assertThatThrownBy(() -> registry.admit(regrouped))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("key XXXXX-XXXXX-XXXXX-XXXXX-T83GX is the key of Windows 10 Pro, of the same"
                        + " skuId but another product group ('Windows 10/11', not 'Windows 10/11 client')"
                        + " (already used by family windows-client)");
    }

    @Test
    void anEditionNameTakenByAnotherFamilyIsRefusedWhateverItsCase() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        LoadedFamily client = TestFamilies.byId("windows-client");
        registry.admit(client);
        String taken = client.catalog().skus().get(0).name();
        LoadedFamily copy = family(
                "copy", taken.toUpperCase(java.util.Locale.ROOT), Optional.empty(), "BCDFG-HJKMP-QRTVW-XY234-6789N");

        assertThatThrownBy(() -> registry.admit(copy))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("is not unique (already used by family windows-client)");
    }

    @Test
    void anotherFamilysSkuIdUnderAKeyOfItsOwnIsRefusedAndTheFirstFamilyKeepsServingIt() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        registry.admit(TestFamilies.byId("windows-server"));
        UUID datacenter = TestFamilies.skuId("windows-server", "Windows Server 2025 Datacenter");
        // Admitted, status and doctor would list an installed Windows Server 2025 Datacenter under both families.
        LoadedFamily acme = family("acme-suite", "Acme Suite Standard", Optional.of(datacenter), OWN_KEY);

        assertThatThrownBy(() -> registry.admit(acme))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog skus[0] (Acme Suite Standard).skuId: skuId " + datacenter
                        + " is already Windows Server 2025"
                        + " Datacenter, and an installed product is served by one family (already used by family"
                        + " windows-server)");
        assertThat(registry.families()).extracting(LoadedFamily::id).containsExactly("windows-server");
    }

    @Test
    void theSameSkuUnderAnotherReleaseNameInAnotherFamilyIsRefused() throws Exception {
        // One catalog may list one SKU under two release names (Windows 10 Pro and Windows 11 Pro, CatalogReaderTest);
        // two families may not, or both would activate and renew the one installed product.
        FamilyRegistry registry = new FamilyRegistry();
        registry.admit(family("first", "Windows 10 Pro", Optional.of(PRO_SKU), PRO_KEY));

        assertThatThrownBy(() -> registry.admit(family("second", "Windows 11 Pro", Optional.of(PRO_SKU), PRO_KEY)))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("skuId " + PRO_SKU + " is already Windows 10 Pro")
                .hasMessageEndingWith("(already used by family first)");
        assertThat(registry.families()).extracting(LoadedFamily::id).containsExactly("first");
    }

    @Test
    void aDeclaredProductGroupNoEditionUsesIsStillCheckedAgainstTheOtherFamilies() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        registry.admit(TestFamilies.byId("office2013"));
        ProductGroup conflicting =
                new ProductGroup("Office 2013", UUID.fromString("11111111-1111-1111-1111-111111111111"));
        LoadedFamily base =
                family("declares-more", "Declares More Pro", Optional.empty(), "BCDFG-HJKMP-QRTVW-XY234-6789N");
        LoadedFamily declaresMore = LoadedFamily.of(
                base.extension(),
                base.catalog(),
                List.of(CLIENT_GROUP, conflicting),
                base.pluginId(),
                base.pluginVersion(),
                base.source());

        assertThatThrownBy(() -> registry.admit(declaresMore))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("catalog productGroups[1] (Office 2013): product group 'Office 2013'"
                        + " (11111111-1111-1111-1111-111111111111) conflicts")
                .hasMessageContaining("(already used by family office2013)");
        assertThat(registry.family("declares-more")).isEmpty();
    }

    @Test
    void aLicensePackNameMeansOnePackAcrossFamilies() throws Exception {
        FamilyRegistry registry = new FamilyRegistry();
        registry.admit(TestFamilies.byId("office2013"));
        LoadedFamily base =
                family("same-pack-name", "Same Pack Pro", Optional.empty(), "BCDFG-HJKMP-QRTVW-XY234-6789N");
        SkuCatalog c = base.catalog();
        LicensePack other = new LicensePack(
                "Office 2013 Volume License Pack", UUID.fromString("11111111-1111-1111-1111-111111111111"), List.of());
        LoadedFamily samePackName = LoadedFamily.of(
                base.extension(),
                new SkuCatalog(
                        c.familyId(),
                        c.displayName(),
                        c.applicationId(),
                        c.licensingServices(),
                        c.skus(),
                        c.hostKeys(),
                        Optional.of(other),
                        c.gracePeriod()),
                base.productGroups(),
                base.pluginId(),
                base.pluginVersion(),
                base.source());

        assertThatThrownBy(() -> registry.admit(samePackName))
                .isInstanceOf(CatalogException.class)
                .hasMessage(
                        "catalog licensePack: license pack 'Office 2013 Volume License Pack' (11111111-1111-1111-1111-111111111111)"
                                + " conflicts with 'Office 2013 Volume License Pack' (2e28138a-847f-42bc-9752-61b03fff33cd)"
                                + " (already used by family office2013)");
        assertThat(registry.family("same-pack-name")).isEmpty();
    }

    /** A family built in code with one client edition. */
    private static LoadedFamily family(String id, String edition, Optional<UUID> skuId, String key) {
        Sku sku =
                new Sku(edition, "Windows", edition, skuId, ProductKey.parse(key), CLIENT_GROUP, ThresholdClass.CLIENT);
        return TestFamilies.inCode(id, id, UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f"), List.of(sku));
    }
}
