package org.kmsagent.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.core.DocumentBinding.Bound;
import org.kmsagent.agent.core.DocumentBinding.Document;
import org.kmsagent.agent.core.DocumentBinding.Misfit;
import org.kmsagent.agent.core.DocumentBinding.Position;

/**
 * The reading behind the configuration's, the scenarios' and the what-if changes' error messages, on documents of its
 * own: every value of the wrong type found in one run, where it is written, and the rest of the document still bound.
 */
class DocumentBindingTest {
    record Host(String name, int port) {}

    record Site(int days, List<Integer> counts, List<Host> hosts, String label) {}

    record Counts(@JsonSetter(contentNulls = Nulls.FAIL) List<Integer> counts, int days) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static <T> Bound<T> bind(ObjectMapper mapper, String text, Class<T> type) throws Exception {
        return DocumentBinding.bind(mapper, DocumentBinding.read(mapper, text).tree(), type);
    }

    private static List<String> paths(Bound<?> bound) {
        return bound.misfits().stream().map(Misfit::path).toList();
    }

    @Test
    void everyValueOfTheWrongTypeIsFoundInOneRunAndTheRestIsBound() throws Exception {
        String text = """
                days: sixty
                counts: [1, two, 3]
                hosts:
                  - name: a
                    port: x
                label: kept
                """;

        Bound<Site> bound = bind(YAML, text, Site.class);

        assertThat(paths(bound)).containsExactly("days", "counts[1]", "hosts[0].port");
        assertThat(bound.misfits().get(1).found().asText()).isEqualTo("two");
        assertThat(bound.value()).hasValueSatisfying(site -> {
            assertThat(site.label()).isEqualTo("kept");
            assertThat(site.counts())
                    .as("a list with a wrong element falls back to its default")
                    .isNull();
            assertThat(site.hosts()).extracting(Host::name).containsExactly("a");
        });
        Document read = DocumentBinding.read(YAML, text);
        assertThat(read.placeOf("counts[1]").orElseThrow().value()).isEqualTo(new Position(2, 13));
        assertThat(read.placeOf("hosts[0].port").orElseThrow().key()).isEqualTo(new Position(5, 5));
        assertThat(read.placeOf("hosts[0].port.nothing").orElseThrow().key())
                .as("a path not written is placed at the nearest entry that encloses it")
                .isEqualTo(new Position(5, 5));
    }

    @Test
    void aListInsideAListOfRecordsIsNamedByItsIndex() throws Exception {
        Bound<Site> bound = bind(YAML, "hosts: [[1]]\nlabel: kept\n", Site.class);

        assertThat(paths(bound)).containsExactly("hosts[0]");
        assertThat(bound.misfits().get(0).found().isArray()).isTrue();
        assertThat(bound.value())
                .hasValueSatisfying(site -> assertThat(site.label()).isEqualTo("kept"));
    }

    @Test
    void aNullTheElementTypeRefusesTakesItsListOutAndTheRestIsStillRead() throws Exception {
        Bound<Counts> bound = bind(YAML, "counts: [1, ~, 3]\ndays: sixty\n", Counts.class);

        assertThat(paths(bound)).containsExactly("counts[1]", "days");
        assertThat(bound.value()).hasValueSatisfying(c -> assertThat(c.counts()).isNull());
    }

    /** The agent's readers refuse a null for a primitive, so a primitive taken out cannot be bound at all. */
    @Test
    void aPrimitiveThatCannotBeLeftOutIsReportedOnceWithTheOtherMisfits() throws Exception {
        ObjectMapper strict =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

        Bound<Host> bound = bind(strict, "port: x\nname: [1]\n", Host.class);

        assertThat(paths(bound)).containsExactly("port", "name");
        assertThat(bound.value()).isEmpty();
    }

    @Test
    void aDocumentOfAnotherShapeIsOneMisfitAtTheTopAndNoValue() throws Exception {
        Bound<Site> bound = bind(YAML, "[1, 2]\n", Site.class);

        assertThat(paths(bound)).containsExactly("");
        assertThat(bound.value()).isEmpty();
    }
}
