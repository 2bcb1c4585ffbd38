package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.Sku;

/** The one closest-name rule of {@code kms-agent gvlk} and a scenario's {@code edition:}. */
class EditionNamesTest {
    private static List<String> allNames() {
        return TestFamilies.all().stream()
                .flatMap(f -> f.catalog().skus().stream())
                .map(Sku::name)
                .toList();
    }

    @Test
    void aMisspeltNameIsAnsweredWithAtMostThreeNamesNearestFirst() {
        assertThat(EditionNames.closest("Windows Server 2022 Datacentre", allNames()))
                .hasSizeBetween(1, 3)
                .first()
                .isEqualTo("Windows Server 2022 Datacenter");
        assertThat(EditionNames.closest("windows 7 ultimate", allNames())).containsExactly("Windows 7 Enterprise");
        assertThat(EditionNames.didYouMean(List.of("A", "B"))).isEqualTo("did you mean 'A' or 'B'?");
    }

    @Test
    void aNameOfNoLetterOrDigitIsAnsweredWithNoSuggestionNotThreeUnrelatedOnes() {
        // Every name "contains" the empty text such a name normalises to.
        assertThat(EditionNames.closest("--- ", allNames())).isEmpty();
    }

    @Test
    void aRunawayNameIsNotComparedLetterByLetterWithEveryEdition() {
        // A scenario file may hold a 4 MiB edition name: hundreds of editions times millions of letters squared.
        String runaway = "Windows 10 Enterprise ".repeat(180_000);
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> EditionNames.closest(runaway, allNames())))
                .isEmpty();
    }

    @Test
    void anEditionIsFoundInTheFamilyThatHoldsItWhateverItsCase() {
        assertThat(EditionNames.familyOf("windows server 2022 standard", TestFamilies.all()))
                .map(LoadedFamily::id)
                .contains("windows-server");
        assertThat(EditionNames.familyOf("Windows 99", TestFamilies.all())).isEmpty();
    }
}
