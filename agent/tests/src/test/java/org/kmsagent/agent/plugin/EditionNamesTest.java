package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.TestFamilies;

/** Where {@code kms-agent gvlk} and a scenario's {@code edition:} find an edition typed by name. */
class EditionNamesTest {
    @Test
    void anEditionIsFoundInTheFamilyThatHoldsItWhateverItsCase() {
        assertThat(EditionNames.familyOf("windows server 2022 standard", TestFamilies.all()))
                .map(LoadedFamily::id)
                .contains("windows-server");
        assertThat(EditionNames.familyOf("Windows 99", TestFamilies.all())).isEmpty();
    }
}
