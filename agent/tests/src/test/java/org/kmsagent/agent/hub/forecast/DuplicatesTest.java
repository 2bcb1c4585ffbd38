package org.kmsagent.agent.hub.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicatesTest {
    @Test
    void machinesClonedWithoutGeneralizationShareOneCmidAndAreReportedTogether() {
        var found = Duplicates.find(List.of(
                new Duplicates.Machine("pc-1", "PC-1", List.of("9E2C0B6A-0000-4000-8000-000000000001")),
                new Duplicates.Machine("pc-2", "PC-2", List.of("9e2c0b6a-0000-4000-8000-000000000001")),
                new Duplicates.Machine("pc-3", "PC-3", List.of("5a1d0c7e-0000-4000-8000-000000000003"))));

        assertThat(found).singleElement().satisfies(s -> {
            assertThat(s.cmid()).isEqualTo("9e2c0b6a-0000-4000-8000-000000000001");
            assertThat(s.machines()).containsExactly("pc-1", "pc-2");
        });
    }

    @Test
    void distinctCmidsAreNotDuplicates() {
        assertThat(Duplicates.find(List.of(
                        new Duplicates.Machine("a", "A", List.of("x")),
                        new Duplicates.Machine("b", "B", List.of("y")))))
                .isEmpty();
    }
}
