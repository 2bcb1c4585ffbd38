package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.SkuCatalog;

/**
 * What a plugin author sees of a catalog whose shape is wrong: the field's path, what was expected, and the line and
 * column, through the reader every plugin's catalog goes through.
 */
class CatalogJsonTest {
    @TempDir
    Path dir;

    private static final String VALID = ExampleCatalog.VALID;

    private SkuCatalog read(String text) throws Exception {
        return ExampleCatalog.read(dir, text);
    }

    @Test
    void aValidCatalogIsReadWithEveryField() throws Exception {
        SkuCatalog c = read(VALID);
        assertThat(c.displayName()).isEqualTo("Example");
        assertThat(c.licensingServices().windows7AndOlder()).isEqualTo(LicensingService.OSPP);
        assertThat(c.licensingServices().windows8AndLater()).isEqualTo(LicensingService.SPP);
        assertThat(c.gracePeriod().toDays()).isEqualTo(30);
        assertThat(c.skus()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("Example Professional Plus");
            assertThat(s.skuId()).isEmpty();
            assertThat(s.thresholdClass().minimumCount()).isEqualTo(5);
        });
        assertThat(c.hostKeys())
                .singleElement()
                .satisfies(k -> assertThat(k.generation()).isEqualTo(1));
    }

    @Test
    void everyBundledCatalogReadsAsJacksonsDataBindingReadsIt() throws Exception {
        // The bundled catalogs use every field of the document (skuId, source, thresholdClasses, licensePack); binding
        // the same bytes to the same records is what the reader replaced.
        ObjectMapper binding = new ObjectMapper();
        for (LoadedFamily f : TestFamilies.all()) {
            byte[] text = Files.readAllBytes(TestFamilies.catalogFile(f.id()));
            assertThat(CatalogJson.read(text)).as(f.id()).isEqualTo(binding.readValue(text, CatalogDocument.class));
        }
    }

    @Test
    void anUnknownFieldIsNamedWithItsPathAndLine() {
        String text = VALID.replace("\"edition\": \"Professional Plus\",", "\"editon\": \"Professional Plus\",");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(
                        "catalog skus[0] (Example Professional Plus).editon: unknown field; the fields here are name, product,")
                .hasMessageEndingWith("(line 10, column 5)");
    }

    @Test
    void aFieldWrittenTwiceIsRefusedWithItsLineNotReadAsItsLastValue() {
        String text = VALID.replace(
                "\"gvlk\": \"YC7DK-G2NP3-2QQC3-J6H88-GVGXT\",",
                "\"gvlk\": \"YC7DK-G2NP3-2QQC3-J6H88-GVGXT\", \"gvlk\": \"NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP\",");
        assertThat(text).isNotEqualTo(VALID);
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("catalog is not valid JSON: Duplicate field 'gvlk'")
                .hasMessageContaining("(line ");
    }

    @Test
    void aMissingRequiredFieldIsNamedWithTheObjectItBelongsIn() {
        String text = VALID.replace("\"gvlk\": \"YC7DK-G2NP3-2QQC3-J6H88-GVGXT\",", "");
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog skus[0] (Example Professional Plus).gvlk: required, and missing from skus[0]"
                        + " (line 7, column 13)");
    }

    @Test
    void anEntryWithoutAReadableNameIsNamedByItsPlaceAlone() {
        // The name is what is wrong, or missing: nothing to show in parentheses.
        assertThatThrownBy(() -> read(VALID.replace("\"name\": \"Example Professional Plus\"", "\"name\": 7")))
                .hasMessageStartingWith("catalog skus[0].name: expected a string, got a whole number");
        assertThatThrownBy(() -> read(VALID.replace("\"name\": \"Example Professional Plus\",", "")))
                .hasMessageStartingWith("catalog skus[0].name: required, and missing from skus[0]");
    }

    @Test
    void aFieldMissingFromTheDocumentItselfIsNamedWithoutAPlace() {
        // The document's object is the whole text: "(line 1, column 1)" pointed at its brace as if the field were
        // there.
        String text = VALID.replace("\"displayName\": \"Example\",", "");
        assertThatThrownBy(() -> read(text)).hasMessage("catalog displayName: required, and missing");
    }

    @Test
    void aRequiredFieldGivenAsNullIsRefusedWhereItIsWritten() {
        String text = VALID.replace("\"displayName\": \"Example\"", "\"displayName\": null");
        assertThatThrownBy(() -> read(text)).hasMessage("catalog displayName: required, and null (line 2, column 18)");
        assertThatThrownBy(() -> read(VALID.replace("\"group\": \"Example\"", "\"group\": null")))
                .hasMessage(
                        "catalog skus[0] (Example Professional Plus).group: required, and null (line 12, column 14)");
    }

    @Test
    void aValueOfTheWrongJsonTypeSaysWhatWasExpected() {
        assertThatThrownBy(() -> read(VALID.replace("\"gracePeriodDays\": 30", "\"gracePeriodDays\": \"30\"")))
                .hasMessage("catalog gracePeriodDays: expected a whole number, got a string (line 5, column 22)");
        assertThatThrownBy(() -> read(VALID.replace("\"gracePeriodDays\": 30", "\"gracePeriodDays\": 30.5")))
                .hasMessageStartingWith(
                        "catalog gracePeriodDays: expected a whole number, got a number with a fraction");
        assertThatThrownBy(() -> read(VALID.replace("\"gracePeriodDays\": 30", "\"gracePeriodDays\": 3000000000")))
                .hasMessageStartingWith("catalog gracePeriodDays: 3000000000 is too large");
        assertThatThrownBy(() -> read(VALID.replace("\"product\": \"Example\"", "\"product\": 7")))
                .hasMessageStartingWith(
                        "catalog skus[0] (Example Professional Plus).product: expected a string, got a whole number");
        assertThatThrownBy(() -> read(VALID.replace("\"activates\": [ \"Example\" ]", "\"activates\": \"Example\"")))
                .hasMessageStartingWith("catalog hostKeys[0] (Example host).activates: expected a list, got a string");
        assertThatThrownBy(() -> read(VALID.replace("\"activates\": [ \"Example\" ]", "\"activates\": [ null ]")))
                .hasMessageStartingWith("catalog hostKeys[0] (Example host).activates[0]: must not be null");
        assertThatThrownBy(() -> read("[]"))
                .hasMessageStartingWith("catalog (document): expected an object, got a list");
    }

    @Test
    void aLicensingServiceMustBeOneOfTheTwo() {
        assertThatThrownBy(() -> read(VALID.replace("\"windows8AndLater\": \"SPP\"", "\"windows8AndLater\": \"spp\"")))
                .hasMessage("catalog licensingService.windows8AndLater: 'spp' is not one of [SPP, OSPP]"
                        + " (line 4, column 73)");
    }

    @Test
    void textThatIsNotOneJsonObjectIsRefusedWithItsLine() {
        // A syntax error is reported even after an unknown field: the text is checked as JSON first.
        assertThatThrownBy(() -> read("{\n \"family\": \"x\",\n oops"))
                .hasMessageStartingWith("catalog is not valid JSON: ")
                .hasMessageContaining("(line 3, column");
        assertThatThrownBy(() -> read("  \n")).hasMessage("catalog is empty: expected a JSON object");
        assertThatThrownBy(() -> read(VALID + "{}"))
                .hasMessageStartingWith("catalog (document): unexpected content after the catalog's object (line 17");
        assertThatThrownBy(() -> read("{\"displayName\": \"\u00e9\"}".replace("\u00e9", "\\uZZZZ")))
                .hasMessageStartingWith("catalog is not valid JSON: ");
    }

    @Test
    void aKeyWrittenWithoutItsQuotesIsShownByItsLastFiveOnly() {
        // A catalog author may paste a MAK there: Jackson quotes the word it could not read, the key or its first
        // group.
        for (String unquoted :
                List.of("YC7DKG2NP32QQC3J6H88GVGXT", "YC7DK-G2NP3-2QQC3-J6H88-GVGXT", "yc7dkg2np32qqc3j6h88gvgxt")) {
            String text = VALID.replace("\"YC7DK-G2NP3-2QQC3-J6H88-GVGXT\"", unquoted);
            assertThat(text).isNotEqualTo(VALID);
            assertThatThrownBy(() -> read(text))
                    .hasMessageStartingWith("catalog is not valid JSON: Unrecognized token"
                            + " 'XXXXX-XXXXX-XXXXX-XXXXX-GVGXT': was expecting")
                    .hasMessageEndingWith("(line 11, column 13)")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(t.getMessage()).as(unquoted).doesNotContainIgnoringCase("YC7DK");
                        }
                    });
        }
        // Any other word is quoted as Jackson reads it.
        assertThatThrownBy(() -> read(VALID.replace("\"Example\",", "Example,")))
                .hasMessageStartingWith("catalog is not valid JSON: Unrecognized token 'Example': was expecting");
    }

    @Test
    void bytesThatAreNotTextAreRefusedAsCatalogErrors() throws Exception {
        Path file = Files.write(dir.resolve("catalog.json"), new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"'});
        assertThatThrownBy(
                        () -> new CatalogReader().read("example", file.toUri().toURL()))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("catalog ");
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                .startsWith("{");
    }
}
