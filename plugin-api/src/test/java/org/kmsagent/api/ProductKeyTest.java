package org.kmsagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProductKeyTest {
    // Public GVLKs (Microsoft's KMS client key table; docs/kms-rules.md §4).
    private static final String WINDOWS_7_ENTERPRISE = "33PXH-7Y6KF-2VJC9-XBBR8-HVTHH";
    private static final String SERVER_2022_DATACENTER = "WX4NM-KYWYW-QJJR4-XV3QB-6VM33";

    @Test
    void toStringShowsOnlyTheLastFiveCharactersAsWindowsDoes() {
        ProductKey key = new ProductKey(WINDOWS_7_ENTERPRISE);
        assertThat(key.toString()).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-HVTHH").doesNotContain("33PXH");
        assertThat(String.valueOf(key)).isEqualTo(key.masked());
        assertThat(key.lastFive()).isEqualTo("HVTHH");
        assertThat(key.value()).isEqualTo(WINDOWS_7_ENTERPRISE);
    }

    @Test
    void aKeyKnownByItsLastFiveIsShownAsAWholeKeyIs() {
        assertThat(ProductKey.shownFromLastFive("hvthh"))
                .isEqualTo(new ProductKey(WINDOWS_7_ENTERPRISE).masked())
                .isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-HVTHH");
        // Text from another process that is not five characters is never echoed, and never fails the line.
        for (String notFive : new String[] {null, "", "HVTH", "HVTHH1", "HV\nTH", "HV-TH", WINDOWS_7_ENTERPRISE}) {
            assertThat(ProductKey.shownFromLastFive(notFive)).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-?????");
        }
    }

    @Test
    void anythingShapedLikeAKeyIsMaskedWhereverItStandsInText() {
        // A key typed where a family or a host goes reached the audit log whole ("no loaded family 'BCDFG-...'").
        assertThat(ProductKey.maskKeysIn("no loaded family 'BCDFG-HJKMP-QRTVW-XY234-6789B' (loaded: office2013)"))
                .isEqualTo("no loaded family 'XXXXX-XXXXX-XXXXX-XXXXX-6789B' (loaded: office2013)");
        assertThat(ProductKey.maskKeysIn("a=" + WINDOWS_7_ENTERPRISE.toLowerCase() + ",b=wx4nmkywywqjjr4xv3qb6vm33"))
                .isEqualTo("a=XXXXX-XXXXX-XXXXX-XXXXX-HVTHH,b=XXXXX-XXXXX-XXXXX-XXXXX-6VM33");
        // Not a key's shape: a letter outside the alphabet, a group too short, part of a longer run, a GUID.
        for (String plain : new String[] {
            "office2013",
            "AAAAA-HJKMP-QRTVW-XY234-6789B",
            "BCDFG-HJKMP-QRTVW-XY234-6789",
            "xBCDFG-HJKMP-QRTVW-XY234-6789B",
            "BCDFGHJKMPQRTVWXY23467893B",
            "55c92734-d682-4d71-983e-d6ec3f16059f",
            "kms.corp.example"
        }) {
            assertThat(ProductKey.maskKeysIn(plain)).as(plain).isEqualTo(plain);
            assertThat(ProductKey.hasKeyShape(plain)).as(plain).isFalse();
        }
        assertThat(ProductKey.hasKeyShape(" BCDFG-HJKMP-QRTVW-XY234-6789B ")).isTrue();
        assertThat(ProductKey.hasKeyShape("bcdfghjkmpqrtvwxy23467893")).isTrue();
        assertThat(ProductKey.maskKeysIn(null)).isNull();
    }

    @Test
    void textGivenAsAKeyIsShownByItsLastFiveAndShortTextAsShownFromLastFiveShowsIt() {
        assertThat(ProductKey.shownMasked("YC7DK-G2NP3-2QQC3-J6H88-GVGXT")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-GVGXT");
        // One way to show what is not five characters: the audit said "XXXXX" where tables said "?????".
        assertThat(ProductKey.shownMasked("GVGXT")).isEqualTo(ProductKey.shownFromLastFive(null));
        assertThat(ProductKey.shownMasked("")).isEqualTo("XXXXX-XXXXX-XXXXX-XXXXX-?????");
    }

    @Test
    void parseAcceptsLowerCaseAndBareTwentyFiveCharacters() {
        assertThat(ProductKey.parse(" wx4nmkywywqjjr4xv3qb6vm33 ")).isEqualTo(new ProductKey(SERVER_2022_DATACENTER));
    }

    @Test
    void keysOfTheWindows8GenerationCarryOneN() {
        assertThat(new ProductKey(SERVER_2022_DATACENTER).hasGenerationMarker()).isTrue();
        assertThat(new ProductKey(WINDOWS_7_ENTERPRISE).hasGenerationMarker()).isFalse();
    }

    @Test
    void rejectsCharactersOutsideTheAlphabetNamingThePosition() {
        // 'A' (a vowel) and '0','1','5' are not in the 24-symbol alphabet (docs/kms-rules.md §6).
        assertThatThrownBy(() -> new ProductKey("33PXA-7Y6KF-2VJC9-XBBR8-HVTHH"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position 5")
                .hasMessageNotContaining("33PXA");
        assertThatThrownBy(() -> new ProductKey("33PXH-7Y6KF-2VJC9-XBBR8-HVTH1"))
                .hasMessageContaining("position 29");
    }

    @Test
    void rejectsWrongLengthGroupingAndASecondN() {
        assertThatThrownBy(() -> new ProductKey("33PXH-7Y6KF-2VJC9-XBBR8")).hasMessageContaining("29 characters");
        assertThatThrownBy(() -> new ProductKey("33PXH+7Y6KF-2VJC9-XBBR8-HVTHH"))
                .hasMessageContaining("'-' at position 6");
        assertThatThrownBy(() -> new ProductKey("NNPXH-7Y6KF-2VJC9-XBBR8-HVTHH"))
                .hasMessageContaining("more than one 'N'");
    }

    @Test
    void aRejectedKeyIsNeverEchoedWhole() {
        String typo = "33PXH-7Y6KF-2VJC9-XBBR8-HVTH0";
        assertThatThrownBy(() -> ProductKey.parse(typo)).hasMessageNotContaining("33PXH-7Y6KF");
    }
}
