package org.kmsagent.agent.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.Sku;

/** The one closest-name rule of {@code kms-agent gvlk}, a scenario's {@code edition:} and the command line. */
class ClosestNamesTest {
    private static List<String> allNames() {
        return TestFamilies.all().stream()
                .flatMap(f -> f.catalog().skus().stream())
                .map(Sku::name)
                .toList();
    }

    @Test
    void aMisspeltNameIsAnsweredWithAtMostThreeNamesNearestFirst() {
        assertThat(ClosestNames.closest("Windows Server 2022 Datacentre", allNames()))
                .hasSizeBetween(1, 3)
                .first()
                .isEqualTo("Windows Server 2022 Datacenter");
        assertThat(ClosestNames.closest("windows 7 ultimate", allNames())).containsExactly("Windows 7 Enterprise");
        assertThat(ClosestNames.didYouMean(List.of("A", "B"))).isEqualTo("did you mean 'A' or 'B'?");
    }

    @Test
    void aNameWithItsWordsInAnotherOrderIsAnsweredWithTheNameThatHoldsThemAll() {
        // Microsoft names the 2021 release "Office LTSC Professional Plus 2021"; "Office 2021 Professional Plus"
        // was answered 2010 and 2013 Professional Plus first, the right one third.
        assertThat(ClosestNames.closest("Office 2021 Professional Plus", allNames()))
                .first()
                .isEqualTo("Office LTSC Professional Plus 2021");
        assertThat(ClosestNames.closest("office professional plus 2019", allNames()))
                .first()
                .isEqualTo("Office Professional Plus 2019");
    }

    @Test
    void aNameCutShortIsAnsweredWithTheNamesThatHoldItBeforeOnesAFewLettersOff() {
        // "Windows Server 2022" was answered 2008 R2 Web, 2022 Standard and 2012 Standard: never its Datacenter.
        assertThat(ClosestNames.closest("Windows Server 2022", allNames()))
                .hasSize(3)
                .allMatch(name -> name.startsWith("Windows Server 2022 "))
                .contains("Windows Server 2022 Standard", "Windows Server 2022 Datacenter");
    }

    @Test
    void aNameOfNoLetterOrDigitIsAnsweredWithNoSuggestionNotThreeUnrelatedOnes() {
        // Every name "contains" the empty text such a name normalises to.
        assertThat(ClosestNames.closest("--- ", allNames())).isEmpty();
    }

    @Test
    void aRunawayNameIsNotComparedLetterByLetterWithEveryEdition() {
        // A scenario file may hold a 4 MiB edition name: hundreds of editions times millions of letters squared.
        String runaway = "Windows 10 Enterprise ".repeat(180_000);
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ClosestNames.closest(runaway, allNames())))
                .isEmpty();
    }

    @Test
    void aWordThatOnlySharesLettersWithACommandIsNotAnsweredWithIt() {
        // picocli's own guess for 'kms-agent ctl products' was 'activate', a command that changes state.
        assertThat(ClosestNames.closest("products", List.of("activate", "status", "host")))
                .isEmpty();
        assertThat(ClosestNames.closest("statsu", List.of("status", "simulate")))
                .containsExactly("status");
        assertThat(ClosestNames.closest("--jsn", List.of("--json"))).containsExactly("--json");
        // Two letters the wrong way round are one slip: 'kms-agent hbu' had no suggestion.
        assertThat(ClosestNames.closest("hbu", List.of("hub", "run", "gvlk"))).containsExactly("hub");
    }
}
