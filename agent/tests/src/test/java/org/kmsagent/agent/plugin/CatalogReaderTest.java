package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.ThresholdClass;

/**
 * What a plugin author sees of a catalog whose declarations are wrong even though nothing uses them: the declaration
 * is refused, naming its field and its value, rather than loaded without a word (docs/plugin-guide.md, "The catalog").
 */
class CatalogReaderTest {
    @TempDir
    Path dir;

    /** {@link ExampleCatalog#VALID} with a license pack that its host key needs. */
    private static final String VALID = ExampleCatalog.VALID.replace(
            "\"activates\": [ \"Example\" ] } ]",
            "\"activates\": [ \"Example\" ], \"licensePack\": \"Example Pack\" } ],\n"
                    + "  \"licensePack\": { \"name\": \"Example Pack\","
                    + " \"hostActivationId\": \"2e28138a-847f-42bc-9752-61b03fff33cd\" }");

    private SkuCatalog read(String text) throws Exception {
        assertThat(text).isNotEqualTo(VALID);
        return ExampleCatalog.read(dir, text);
    }

    /** {@code VALID} declaring {@code classes} (JSON objects) and its edition of class {@code used}. */
    private static String withClasses(String used, String classes) {
        return VALID.replace(
                        "\"productGroups\": [", "\"thresholdClasses\": [ " + classes + " ],\n  \"productGroups\": [")
                .replace("\"thresholdClass\": \"office\"", "\"thresholdClass\": \"" + used + "\"");
    }

    /**
     * {@code VALID} whose edition gives {@code skuId} and is followed by a second edition of {@code skuId2}, key {@code
     * gvlk2}, product group {@code group2} (declared beside the first's) and class {@code class2}.
     */
    private static String withTwoEditions(String skuId, String skuId2, String gvlk2, String group2, String class2) {
        return VALID.replace(
                        "c77ba21578c0\" } ]",
                        "c77ba21578c0\" }, { \"name\": \"Other\", \"kmsId\": \"bfe7a195-4f8f-4f0b-a622-cf13c7d16864\" } ]")
                .replace(
                        "\"edition\": \"Professional Plus\",",
                        "\"edition\": \"Professional Plus\", \"skuId\": \"" + skuId + "\",")
                .replace(
                        "\"thresholdClass\": \"office\"\n  } ]",
                        "\"thresholdClass\": \"office\"\n  }, {\n"
                                + "    \"name\": \"Example Standard\", \"product\": \"Example\", \"edition\": \"Standard\",\n"
                                + "    \"skuId\": \"" + skuId2 + "\", \"gvlk\": \"" + gvlk2 + "\",\n"
                                + "    \"group\": \"" + group2 + "\", \"thresholdClass\": \"" + class2 + "\"\n  } ]");
    }

    private static final String SKU = "d450596f-894d-49e0-966a-fd39ed4c4c64";
    private static final String OTHER_SKU = "6f327760-8c5c-417c-9b61-836a98287e0c";
    private static final String KEY = "YC7DK-G2NP3-2QQC3-J6H88-GVGXT";

    @Test
    void oneSkuMayBeListedUnderTwoNamesWithItsKey() throws Exception {
        SkuCatalog c = read(withTwoEditions(SKU, SKU, KEY, "Example", "office"));
        assertThat(c.skus()).extracting(s -> s.name()).containsExactly("Example Professional Plus", "Example Standard");
    }

    @Test
    void aKeySharedByTwoEditionsSaysWhatMakesThemTwoSkus() {
        assertThatThrownBy(() -> read(withTwoEditions(SKU, SKU, KEY, "Other", "office")))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog skus[1] (Example Standard).gvlk: key XXXXX-XXXXX-XXXXX-XXXXX-GVGXT is also the key"
                        + " of skus[0] (Example Professional Plus), of the same skuId but another product group"
                        + " ('Example', not 'Other')");
        assertThatThrownBy(() -> read(withTwoEditions(SKU, SKU, KEY, "Example", "server")))
                .hasMessageEndingWith("of the same skuId but another threshold class (office, not server)");
        assertThatThrownBy(() -> read(withTwoEditions(SKU, OTHER_SKU, KEY, "Example", "office")))
                .hasMessageEndingWith("is also the key of skus[0] (Example Professional Plus), a different SKU, of"
                        + " skuId " + SKU);
    }

    @Test
    void aSkuIdGivenToTwoEditionsOfTwoKeysIsRefusedNamingBoth() {
        // Two editions of one SKU id would be one installed product found as whichever the catalog lists first.
        assertThatThrownBy(() -> read(withTwoEditions(SKU, SKU, "NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP", "Example", "office")))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog skus[1] (Example Standard).skuId: skuId " + SKU + " is already skus[0] (Example"
                        + " Professional Plus), which has another key (ending GVGXT, not 6MWKP): one SKU under several"
                        + " names keeps one key, product group and threshold class");
    }

    @Test
    void aKeyInLowerCaseIsRefusedSayingKeysAreWrittenInUpperCase() {
        assertThatThrownBy(() -> read(VALID.replace(KEY, "yc7dk-g2np3-2qqc3-j6h88-gvgxt")))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog skus[0] (Example Professional Plus).gvlk: malformed product key ending 'gvgxt':"
                        + " character at position 1 is lower case: a key is written in upper case, from the product-key"
                        + " alphabet BCDFGHJKMPQRTVWXY2346789 (plus one N)");
        // A letter that is in no case of the alphabet is refused as before.
        assertThatThrownBy(() -> read(VALID.replace(KEY, "AC7DK-G2NP3-2QQC3-J6H88-GVGXT")))
                .hasMessageEndingWith("character at position 1 is not in the product-key alphabet"
                        + " BCDFGHJKMPQRTVWXY2346789 (plus one N)");
    }

    @Test
    void aDeclaredThresholdClassThatAnEditionUsesIsRead() throws Exception {
        SkuCatalog c = read(withClasses("kiosk", "{ \"name\": \"kiosk\", \"minimumCount\": 10 }"));
        assertThat(c.thresholdClasses()).containsExactly(new ThresholdClass("kiosk", 10));
    }

    @Test
    void aMisspeltThresholdClassNoEditionUsesIsRefusedByName() {
        // "ofice" was meant to be "office"; nothing uses it, so nothing else would ever look at it.
        String text = withClasses("office", "{ \"name\": \"ofice\", \"minimumCount\": 5 }");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog thresholdClasses[0] (ofice).name: 'ofice' is declared but no edition's"
                        + " thresholdClass names it (the editions use office)");
    }

    @Test
    void aCountOrGracePeriodBelowOneIsRefusedInTheWordsOfEveryWholeNumber() {
        assertThatThrownBy(() -> read(withClasses("kiosk", "{ \"name\": \"kiosk\", \"minimumCount\": 0 }")))
                .isInstanceOf(CatalogException.class)
                .hasMessage(
                        "catalog thresholdClasses[0] (kiosk).minimumCount: expected a whole number 1 or more, got 0");
        assertThatThrownBy(() -> read(VALID.replace("\"gracePeriodDays\": 30", "\"gracePeriodDays\": 0")))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog gracePeriodDays: expected a whole number 1 or more, got 0");
    }

    @Test
    void aThresholdClassDeclaredTwiceIsRefused() {
        String text = withClasses(
                "kiosk",
                "{ \"name\": \"kiosk\", \"minimumCount\": 10 }, { \"name\": \"kiosk\", \"minimumCount\": 10 }");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog thresholdClasses[1] (kiosk).name: duplicate threshold class, as"
                        + " thresholdClasses[0] (kiosk)");
    }

    @Test
    void aDuplicateNamesTheEntryItDuplicates() {
        // Edition names are unique ignoring case (kms-agent gvlk finds them so): the refusal says which is the first.
        String text = withTwoEditions(SKU, OTHER_SKU, "NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP", "Example", "office")
                .replace("\"name\": \"Example Standard\"", "\"name\": \"Example professional plus\"");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog skus[1] (Example professional plus).name: duplicate edition name, as skus[0]"
                        + " (Example Professional Plus), ignoring case");
        String sameId = VALID.replace(
                "c77ba21578c0\" } ]",
                "c77ba21578c0\" }, { \"name\": \"Other\", \"kmsId\": \"e6a6f1bf-9d40-40c3-aa9f-c77ba21578c0\" } ]");
        assertThatThrownBy(() -> read(sameId))
                .hasMessage(
                        "catalog productGroups[1] (Other).kmsId: e6a6f1bf-9d40-40c3-aa9f-c77ba21578c0 is already the"
                                + " kmsId of productGroups[0] (Example)");
    }

    @Test
    void aLicensePackNoHostKeyNeedsIsRefusedByName() {
        String text = VALID.replace(", \"licensePack\": \"Example Pack\" }", " }");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog licensePack.name: 'Example Pack' is declared but no hostKeys[].licensePack names"
                        + " it, so no host would need it");
    }

    @Test
    void aBlankOrPaddedNameIsRefusedWhereItIsDeclaredEvenUnused() {
        // A product group no edition or host key names: still a declaration, still checked.
        assertThatThrownBy(
                        () -> read(
                                VALID.replace(
                                        "c77ba21578c0\" } ]",
                                        "c77ba21578c0\" }, { \"name\": \" \", \"kmsId\": \"11111111-1111-1111-1111-111111111111\" } ]")))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog productGroups[1].name: ' ' is not a name (blank, or with spaces around it)");
        assertThatThrownBy(() -> read(VALID.replace("\"name\": \"Example host\"", "\"name\": \"Example host \"")))
                .hasMessage(
                        "catalog hostKeys[0].name: 'Example host ' is not a name (blank, or with spaces around it)");
        assertThatThrownBy(() -> read(VALID.replace("\"Example Pack\"", "\"\"")))
                .hasMessage("catalog licensePack.name: '' is not a name (blank, or with spaces around it)");
        assertThatThrownBy(() -> read(VALID.replace("\"Example Professional Plus\"", "\" Example Professional Plus\"")))
                .hasMessage("catalog skus[0].name: ' Example Professional Plus' is not a name (blank, or with spaces"
                        + " around it)");
    }
}
