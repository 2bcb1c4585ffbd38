package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.Sku;

/** The Office 2016, 2019 and LTSC 2021 catalogs hold every key Microsoft publishes for them, each in its release. */
class OfficeCatalogKeysTest {
    @Test
    void everyPublishedOfficeKeyIsInTheCatalogOfItsRelease() throws IOException {
        List<String[]> published;
        try (InputStream in = getClass().getResourceAsStream("/office2016plus-gvlks.csv")) {
            published = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.startsWith("#") && !l.startsWith("family,"))
                    .map(l -> l.split(","))
                    .toList();
        }
        assertThat(published).hasSizeGreaterThan(35);
        for (String[] row : published) {
            String family = row[0];
            String gvlk = row[3];
            List<String> keys = TestFamilies.byId(family).catalog().skus().stream()
                    .map(Sku::gvlk)
                    .map(k -> k.value())
                    .toList();
            assertThat(keys)
                    .as("%s %s %s in the %s catalog", row[1], row[2], gvlk, family)
                    .contains(gvlk);
        }
    }

    @Test
    void officeLtsc2024HasItsSuitesProjectVisioAndSingleApps() {
        List<String> names = TestFamilies.byId("office2024").catalog().skus().stream()
                .map(Sku::name)
                .toList();
        assertThat(names)
                .contains(
                        "Office LTSC Professional Plus 2024",
                        "Office LTSC Standard 2024",
                        "Project Professional 2024",
                        "Visio LTSC Professional 2024",
                        "Word LTSC 2024",
                        "Excel LTSC 2024");
    }
}
