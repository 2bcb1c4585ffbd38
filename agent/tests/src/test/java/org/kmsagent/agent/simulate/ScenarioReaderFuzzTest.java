package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.Mutations;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * Fuzzes the scenario reader with the shipped scenarios, damaged: every input either reads or fails with a
 * {@link ScenarioException} whose message starts with the file's name; no other exception, no runaway memory.
 * The seed is fixed and the tries bounded (a few seconds).
 */
class ScenarioReaderFuzzTest {
    private static final ScenarioReader READER = new ScenarioReader(TestFamilies.all());
    private static final List<String> SEEDS = shippedScenarios();

    @Property(tries = 400, seed = "1311")
    void damagedYamlReadsOrFailsWithAScenarioExceptionNamingTheFile(@ForAll("scenarios") String text) {
        check(text, true);
    }

    @Property(tries = 150, seed = "1312")
    void damagedJsonReadsOrFailsWithAScenarioExceptionNamingTheFile(@ForAll("scenarios") String text) {
        check(text, false);
    }

    private static void check(String text, boolean yaml) {
        try {
            READER.parse("fuzz.yaml", text, yaml);
        } catch (ScenarioException e) {
            assertThat(e.getMessage()).startsWith("fuzz.yaml: ");
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).isNotBlank());
        }
    }

    @Provide
    Arbitrary<String> scenarios() {
        return Mutations.damaged(SEEDS);
    }

    private static List<String> shippedScenarios() {
        try (Stream<Path> files = Files.list(LabFixtures.scenario("."))) {
            List<String> texts = files.filter(p -> p.toString().endsWith(".yaml"))
                    .sorted()
                    .map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
            assertThat(texts).isNotEmpty();
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
