package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.plugin.CatalogReader;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.api.Sku;

/** {@code kms-agent products} and {@code gvlk} against the plugin jars the build produced. */
class ProductsCommandIT {
    private static String plugins;
    private static List<Sku> allSkus;

    @BeforeAll
    static void builtPlugins() {
        plugins = PluginJars.builtPlugins().toString();
        try (PluginHost host = new PluginHost(Path.of(plugins), new FamilyRegistry(), new CatalogReader())) {
            host.rescan();
            allSkus = host.registry().families().stream()
                    .flatMap(f -> f.catalog().skus().stream())
                    .toList();
        }
    }

    @Test
    void productsJsonListsTheBundledFamiliesWithTheirApplicationIdsAndPools() throws Exception {
        CliRun run = CliRun.of("products", "--json", "--plugins-dir", plugins);

        assertThat(run.exitCode()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        Map<String, String> appIds = new HashMap<>();
        doc.get("families")
                .forEach(f ->
                        appIds.put(f.get("id").asText(), f.get("applicationId").asText()));
        String office = "0ff1ce15-a989-479d-af46-f275c6370663";
        assertThat(appIds)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "windows-client",
                        "55c92734-d682-4d71-983e-d6ec3f16059f",
                        "windows-server",
                        "55c92734-d682-4d71-983e-d6ec3f16059f",
                        "office2010",
                        "59a52881-a989-479d-af46-f275c6370663",
                        "office2013",
                        office,
                        "office2016",
                        office,
                        "office2019",
                        office,
                        "office2021",
                        office,
                        "office2024",
                        office));
        for (String release : List.of("office2013", "office2016", "office2019", "office2021", "office2024")) {
            assertThat(find(doc.get("families"), release).get("pool").get("id").asText())
                    .as(release)
                    .isEqualTo("office");
        }
        JsonNode client = find(doc.get("families"), "windows-client");
        assertThat(client.get("pool").get("id").asText()).isEqualTo("windows");
        assertThat(client.get("thresholdClasses").get(0).get("minimumCount").asInt())
                .isEqualTo(25);
        assertThat(client.get("editionCount").asInt()).isEqualTo(50);
        assertThat(doc.get("problems")).isEmpty();
    }

    @Test
    void office2021ListsEveryEditionWithItsMaskedKeyAndGvlkPrintsTheWholeKeyByMicrosoftsName() {
        CliRun run = CliRun.of("products", "--plugins-dir", plugins, "--family", "office2021");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Sku> office2021 =
                allSkus.stream().filter(s -> s.product().contains("2021")).toList();
        assertThat(office2021).hasSize(13);
        for (Sku sku : office2021) {
            assertThat(run.out()).contains(sku.name()).contains(sku.gvlk().masked());
        }
        CliRun gvlk = CliRun.of("gvlk", "--plugins-dir", plugins, "Office LTSC Professional Plus 2021");
        assertThat(gvlk.exitCode()).as(gvlk.err()).isZero();
        assertThat(gvlk.out().strip()).isEqualTo("FXYTK-NJJ8C-GB6DW-3DYQT-6F7TH");
    }

    @Test
    void productsTablePrintsOneLinePerFamily() {
        CliRun run = CliRun.of("--plugins-dir", plugins, "products");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).hasSize(9).first().asString().startsWith("FAMILY");
        assertThat(run.out()).contains("windows-server  Windows Server").contains("server 5");
    }

    @Test
    void noWholeKeyIsPrintedByProductsInAnyForm() {
        StringBuilder everything = new StringBuilder();
        for (String family : List.of(
                "windows-client",
                "windows-server",
                "office2010",
                "office2013",
                "office2016",
                "office2019",
                "office2021",
                "office2024")) {
            CliRun table = CliRun.of("products", "--plugins-dir", plugins, "--family", family);
            CliRun json = CliRun.of("products", "--plugins-dir", plugins, "--family", family, "--json");
            assertThat(table.exitCode()).isZero();
            assertThat(json.exitCode()).isZero();
            everything
                    .append(table.out())
                    .append(table.err())
                    .append(json.out())
                    .append(json.err());
        }
        String printed = everything.toString();
        for (Sku sku : allSkus) {
            assertThat(printed)
                    .doesNotContain(sku.gvlk().value())
                    .contains(sku.gvlk().masked());
        }
    }

    @Test
    void gvlkPrintsTheWholeKeyOfAnEditionIgnoringCase() {
        CliRun run = CliRun.of("gvlk", "--plugins-dir", plugins, "windows server 2022 datacenter");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo("WX4NM-KYWYW-QJJR4-XV3QB-6VM33");
    }

    @Test
    void gvlkPrintsJsonWhenAsked() {
        CliRun run = CliRun.of("gvlk", "--plugins-dir", plugins, "Windows Server 2022 Datacenter", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonObject j = new JsonObject(run.out());
        assertThat(j.getString("edition")).isEqualTo("Windows Server 2022 Datacenter");
        assertThat(j.getString("gvlk")).isEqualTo("WX4NM-KYWYW-QJJR4-XV3QB-6VM33");
    }

    @Test
    void gvlkSuggestsTheClosestEditionWhenTheNameIsNotFound() {
        CliRun run = CliRun.of("gvlk", "--plugins-dir", plugins, "Windows Server 2022 Datacentre");
        assertThat(run.exitCode())
                .as("an unknown edition is bad input, like an unknown family")
                .isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .contains("no edition named 'Windows Server 2022 Datacentre'")
                .contains("did you mean 'Windows Server 2022 Datacenter'");
    }

    @Test
    void gvlkRefusesAnEmptyEditionWithoutSuggestingAnyEdition() {
        CliRun run = CliRun.of("gvlk", "--plugins-dir", plugins, "");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the edition name is empty").doesNotContain("did you mean");
    }

    @Test
    void aProductKeyGivenForTheEditionIsNotEchoedWhole() {
        for (String key : new String[] {"ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", "abcdefghijklmnopqrstuvwxy"}) {
            CliRun run = CliRun.of("gvlk", "--plugins-dir", plugins, key);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err())
                    .contains("looks like a product key (ending '" + key.substring(key.length() - 5) + "')")
                    .doesNotContain(key.substring(0, key.length() - 5));
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(CliRun.of("products", "--no-such-flag").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("gvlk").exitCode()).isEqualTo(2);
        CliRun unknown = CliRun.of("products", "--plugins-dir", plugins, "--family", "office2030");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no loaded family 'office2030' (loaded: office2010, office2013, ");
    }

    private static JsonNode find(JsonNode families, String id) {
        for (JsonNode f : families) {
            if (f.get("id").asText().equals(id)) {
                return f;
            }
        }
        throw new AssertionError(id + " not listed");
    }
}
