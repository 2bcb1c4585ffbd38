package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
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

    /** One Office edition served by one host key that needs the catalog's license pack. */
    private static final String VALID = """
            {
              "displayName": "Example",
              "applicationId": "0ff1ce15-a989-479d-af46-f275c6370663",
              "licensingService": { "windows7AndOlder": "OSPP", "windows8AndLater": "SPP" },
              "gracePeriodDays": 30,
              "thresholdClasses": [],
              "productGroups": [ { "name": "Example", "kmsId": "e6a6f1bf-9d40-40c3-aa9f-c77ba21578c0" } ],
              "skus": [ {
                "name": "Example Professional Plus",
                "product": "Example",
                "edition": "Professional Plus",
                "gvlk": "YC7DK-G2NP3-2QQC3-J6H88-GVGXT",
                "group": "Example",
                "thresholdClass": "office"
              } ],
              "hostKeys": [
                { "name": "Example host", "generation": 1, "activates": [ "Example" ], "licensePack": "Example Pack" }
              ],
              "licensePack": { "name": "Example Pack", "hostActivationId": "2e28138a-847f-42bc-9752-61b03fff33cd" }
            }
            """;

    private SkuCatalog read(String text) throws Exception {
        assertThat(text).isNotEqualTo(VALID);
        Path file = Files.writeString(dir.resolve("catalog.json"), text);
        return new CatalogReader().read("example", file.toUri().toURL());
    }

    @Test
    void aDeclaredThresholdClassThatAnEditionUsesIsRead() throws Exception {
        SkuCatalog c = read(VALID.replace(
                        "\"thresholdClasses\": []",
                        "\"thresholdClasses\": [ { \"name\": \"kiosk\"," + " \"minimumCount\": 10 } ]")
                .replace("\"thresholdClass\": \"office\"", "\"thresholdClass\": \"kiosk\""));
        assertThat(c.thresholdClasses()).containsExactly(new ThresholdClass("kiosk", 10));
    }

    @Test
    void aMisspeltThresholdClassNoEditionUsesIsRefusedByName() {
        // "ofice" was meant to be "office"; nothing uses it, so nothing else would ever look at it.
        String text = VALID.replace(
                "\"thresholdClasses\": []", "\"thresholdClasses\": [ { \"name\": \"ofice\", \"minimumCount\": 5 } ]");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog thresholdClasses[0] (ofice).name: 'ofice' is declared but no edition's"
                        + " thresholdClass names it (the editions use office)");
    }

    @Test
    void aThresholdClassDeclaredTwiceIsRefused() {
        String text = VALID.replace(
                        "\"thresholdClasses\": []",
                        "\"thresholdClasses\": [ { \"name\": \"kiosk\", \"minimumCount\": 10 },"
                                + " { \"name\": \"kiosk\", \"minimumCount\": 10 } ]")
                .replace("\"thresholdClass\": \"office\"", "\"thresholdClass\": \"kiosk\"");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog thresholdClasses[1] (kiosk).name: duplicate threshold class");
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
