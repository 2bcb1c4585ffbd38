package org.kmsagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The threshold classes a catalog names (docs/kms-rules.md §1.5). */
class ThresholdClassTest {
    @Test
    void theWellKnownClassesAreFoundByTheirCatalogNames() {
        assertThat(ThresholdClass.wellKnown("client")).contains(ThresholdClass.CLIENT);
        assertThat(ThresholdClass.wellKnown("server").map(ThresholdClass::minimumCount))
                .contains(5);
        assertThat(ThresholdClass.wellKnown("office").map(ThresholdClass::minimumCount))
                .contains(5);
        assertThat(ThresholdClass.wellKnown("Client")).isEmpty();
        assertThat(ThresholdClass.wellKnown("volume")).isEmpty();
    }

    @Test
    void aClassNeedsAKebabCaseNameAndACountOfAtLeastOne() {
        // Accepted: kebab-case names, digits included, down to a count of 1.
        assertThatCode(() -> new ThresholdClass("lab-pool", 1)).doesNotThrowAnyException();
        assertThatCode(() -> new ThresholdClass("pool2", 3)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new ThresholdClass("Lab Pool", 3)).hasMessageContaining("kebab-case");
        assertThatThrownBy(() -> new ThresholdClass("lab-", 3)).hasMessageContaining("kebab-case");
        assertThatThrownBy(() -> new ThresholdClass("lab", 0)).hasMessageContaining("at least 1");
    }
}
