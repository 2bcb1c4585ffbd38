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
