package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.fixture.ExplodingPlugin;
import org.kmsagent.agent.plugin.fixture.ThrowingPlugin;
import org.kmsagent.api.Sku;

/** Loads the real plugin jars the build produced, and broken variants of them, from a directory. */
class PluginHostIT {
    private static final Set<String> FAMILIES = Set.of("windows-client", "windows-server", "office2010", "office2013");
    private static final String OFFICE2013_CATALOG = "org/kmsagent/plugins/office2013/catalog.json";

    @TempDir
    Path dir;

    private PluginHost host;

    private PluginHost host() {
        host = new PluginHost(dir, new FamilyRegistry(), new CatalogReader());
        return host;
    }

    @AfterEach
    void close() {
        if (host != null) {
            host.close();
        }
    }

    /** office2013's built jar, its catalog edited, as office2013.jar in the plugins directory. */
    private void office2013WithCatalog(UnaryOperator<String> edit) throws Exception {
        Path real = PluginJars.built("office2013");
        String catalog = new String(PluginJars.entry(real, OFFICE2013_CATALOG), StandardCharsets.UTF_8);
        String edited = edit.apply(catalog);
        assertThat(edited).isNotEqualTo(catalog);
        PluginJars.variant(
                real,
                dir.resolve("office2013.jar"),
                mapOf(OFFICE2013_CATALOG, edited.getBytes(StandardCharsets.UTF_8)),
                Map.of());
    }

    private Set<String> loadedIds() {
        return host.registry().families().stream().map(LoadedFamily::id).collect(Collectors.toSet());
    }

    @Test
    void loadsTheFourFamiliesFromTheBuiltJarsNotFromTheClassPath() throws Exception {
        PluginJars.copyBuilt(dir, FAMILIES.toArray(String[]::new));
        host().rescan();

        assertThat(loadedIds()).isEqualTo(FAMILIES);
        assertThat(host.problems()).isEmpty();
        assertThatThrownBy(() -> Class.forName("org.kmsagent.plugins.office2013.Office2013Family"))
                .isInstanceOf(ClassNotFoundException.class);
        for (LoadedFamily f : host.registry().families()) {
            assertThat(f.extension().getClass().getClassLoader().getClass().getName())
                    .isEqualTo("org.pf4j.PluginClassLoader");
            assertThat(f.source())
                    .hasValueSatisfying(p -> assertThat(p.getParent()).isEqualTo(dir.toAbsolutePath()));
            assertThat(f.extension()
                            .getClass()
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .getPath())
                    .endsWith(f.source().get().getFileName().toString());
        }
        assertThat(host.registry().family("windows-client").get().applicationId())
                .isEqualTo(UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f"));
        assertThat(host.registry().family("office2010").get().applicationId())
                .isEqualTo(UUID.fromString("59a52881-a989-479d-af46-f275c6370663"));
        assertThat(host.registry().family("office2013").get().applicationId())
                .isEqualTo(UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663"));
        // Windows client and server share one pool; Office 2010 counts apart, Office 2013 and every later release share
        // one (docs/kms-rules.md §1.4, §3.4).
        assertThat(host.registry().family("windows-server").get().countPool())
                .isEqualTo(host.registry().family("windows-client").get().countPool());
        assertThat(host.registry().family("office2010").get().countPool().id()).isEqualTo("office2010");
        assertThat(host.registry().family("office2013").get().countPool().id()).isEqualTo("office");
    }

    @Test
    void eachCatalogHasTheEditionsOfItsFamily() throws Exception {
        PluginJars.copyBuilt(dir, FAMILIES.toArray(String[]::new));
        host().rescan();

        assertThat(products("windows-client"))
                .contains("Windows 7", "Windows 8", "Windows 8.1", "Windows 10", "Windows 11");
        assertThat(names("windows-client"))
                .contains(
                        "Windows 10 Enterprise LTSB 2015",
                        "Windows 10 Enterprise LTSB 2016",
                        "Windows 10 Enterprise LTSC 2019",
                        "Windows 10 Enterprise LTSC 2021",
                        "Windows 11 Enterprise LTSC 2024");
        assertThat(products("windows-server"))
                .contains(
                        "Windows Server 2008 R2",
                        "Windows Server 2012",
                        "Windows Server 2012 R2",
                        "Windows Server 2016",
                        "Windows Server 2019",
                        "Windows Server 2022",
                        "Windows Server 2025");
        assertThat(products("office2010")).contains("Office 2010", "Project 2010", "Visio 2010", "Word 2010");
        assertThat(products("office2013")).contains("Office 2013", "Project 2013", "Visio 2013", "Word 2013");
        assertThat(thresholds("windows-client")).containsExactly("client=25");
        assertThat(thresholds("windows-server")).containsExactly("server=5");
        assertThat(thresholds("office2013")).containsExactly("office=5");
        assertThat(host.registry()
                        .family("office2010")
                        .get()
                        .catalog()
                        .licensePack()
                        .get()
                        .name())
                .isEqualTo("Office 2010 KMS Host License Pack");
        assertThat(host.registry()
                        .family("office2013")
                        .get()
                        .catalog()
                        .licensePack()
                        .get()
                        .hostActivationId())
                .isEqualTo(UUID.fromString("2e28138a-847f-42bc-9752-61b03fff33cd"));
    }

    @Test
    void everyGvlkIsWellFormedAndBelongsToExactlyOneSkuAcrossAllPlugins() throws Exception {
        PluginJars.copyBuilt(dir, FAMILIES.toArray(String[]::new));
        host().rescan();
        // docs/kms-rules.md §6: the 24-symbol alphabet plus at most one N, five groups of five.
        Pattern format = Pattern.compile("^[B-DF-HJKMP-RTV-Y2-46-9N]{5}(-[B-DF-HJKMP-RTV-Y2-46-9N]{5}){4}$");
        Map<String, Set<Optional<UUID>>> skusPerKey = new HashMap<>();
        List<Sku> all = host.registry().families().stream()
                .flatMap(f -> f.catalog().skus().stream())
                .toList();
        assertThat(all).hasSize(108);
        for (Sku s : all) {
            String key = s.gvlk().value();
            assertThat(key).as(s.name()).matches(format);
            assertThat(key.chars().filter(c -> c == 'N').count()).as(s.name()).isLessThanOrEqualTo(1);
            boolean olderGeneration = s.product().equals("Windows 7")
                    || s.product().startsWith("Windows Server 2008")
                    || s.product().endsWith("2010");
            assertThat(s.gvlk().hasGenerationMarker())
                    .as(s.name() + " has an N exactly when Windows 8+/Office 2013")
                    .isEqualTo(!olderGeneration);
            skusPerKey.computeIfAbsent(key, k -> new HashSet<>()).add(s.skuId());
        }
        // A key may be listed under several release names (Windows 11 reuses Windows 10's), but always for one SKU.
        skusPerKey.forEach((key, skus) -> assertThat(skus).as(key.substring(24)).hasSize(1));
        assertThat(skusPerKey).hasSizeGreaterThan(85);
    }

    @Test
    void aCorruptJarIsReportedByNameAndTheOthersLoad() throws Exception {
        PluginJars.copyBuilt(dir, FAMILIES.toArray(String[]::new));
        Files.write(dir.resolve("broken-plugin.jar"), "this is not a zip file".getBytes(StandardCharsets.UTF_8));
        host().rescan();

        assertThat(loadedIds()).isEqualTo(FAMILIES);
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.jar().getFileName().toString()).isEqualTo("broken-plugin.jar");
            assertThat(p.message()).startsWith("broken-plugin.jar").isNotBlank();
        });
    }

    @Test
    void aJarWithoutTheExtensionIndexIsReported() throws Exception {
        PluginJars.copyBuilt(dir, "windows-client", "windows-server", "office2010");
        PluginJars.variant(
                PluginJars.built("office2013"),
                dir.resolve("office2013-no-extension.jar"),
                mapOf("META-INF/extensions.idx", null),
                Map.of());
        host().rescan();

        assertThat(loadedIds()).containsExactlyInAnyOrder("windows-client", "windows-server", "office2010");
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("office2013-no-extension.jar (plugin office2013)");
            assertThat(p.reason()).contains("no ProductFamily extension");
        });
    }

    @Test
    void anInvalidCatalogIsReportedWithTheFieldAndWithoutTheWholeKey() throws Exception {
        PluginJars.copyBuilt(dir, "windows-client", "windows-server", "office2010");
        // The first edition's key gets a '0', which is not in the product-key alphabet.
        office2013WithCatalog(c -> c.replace("YC7DK-G2NP3-2QQC3-J6H88-GVGXT", "YC7DK-G2NP3-2QQC3-J6H88-GVGX0"));
        host().rescan();

        assertThat(loadedIds()).containsExactlyInAnyOrder("windows-client", "windows-server", "office2010");
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason())
                    .contains("skus[0] (Office 2013 Professional Plus).gvlk")
                    .contains("position 29")
                    .doesNotContain("YC7DK-G2NP3");
        });
    }

    @Test
    void aDeclaredProductGroupNoEditionUsesMayNotGiveAnotherPluginsGroupAnotherId() throws Exception {
        PluginJars.copyBuilt(dir, "office2010");
        // office2010 declares "Office 2010" as e85af946-…; office2013 now declares it too, with another id, unused.
        office2013WithCatalog(
                c -> c.replace(
                        "\"productGroups\": [",
                        "\"productGroups\": [{\"name\": \"Office 2010\", \"kmsId\": \"11111111-1111-1111-1111-111111111111\"},"));
        host().rescan();

        assertThat(loadedIds()).containsExactly("office2010");
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("office2013.jar (plugin office2013)");
            assertThat(p.reason())
                    .contains(
                            "product group 'Office 2010' (11111111-1111-1111-1111-111111111111) conflicts with "
                                    + "'Office 2010' (e85af946-2e25-47b7-83e1-bebcebeac611) (already used by family office2010)");
        });
    }

    @Test
    void aMisspeltThresholdClassNoEditionUsesFailsItsPluginAndTheOthersLoad() throws Exception {
        PluginJars.copyBuilt(dir, "windows-client", "office2010");
        // "ofice" was meant to be "office", the class of every edition; nothing uses it.
        office2013WithCatalog(c -> c.replace(
                "\"productGroups\": [",
                "\"thresholdClasses\": [{\"name\": \"ofice\", \"minimumCount\": 5}], \"productGroups\": ["));
        host().rescan();

        assertThat(loadedIds()).containsExactlyInAnyOrder("windows-client", "office2010");
        assertThat(host.problems())
                .singleElement()
                .satisfies(
                        p -> assertThat(p.message())
                                .isEqualTo(
                                        "office2013.jar (plugin office2013): catalog thresholdClasses[0] (ofice).name: 'ofice'"
                                                + " is declared but no edition's thresholdClass names it (the editions use office)"));
    }

    @Test
    void aCatalogThatIsNotJsonIsReportedWithItsLine() throws Exception {
        Path real = PluginJars.built("office2010");
        PluginJars.variant(
                real,
                dir.resolve("office2010.jar"),
                mapOf(
                        "org/kmsagent/plugins/office2010/catalog.json",
                        "{\n \"family\": \"office2010\",\n oops".getBytes(StandardCharsets.UTF_8)),
                Map.of());
        host().rescan();
        assertThat(host.problems())
                .singleElement()
                .satisfies(
                        p -> assertThat(p.reason()).contains("not valid JSON").contains("line 3"));
    }

    @Test
    void aDuplicatePluginIdIsReportedAndTheFirstStaysServed() throws Exception {
        PluginJars.copyBuilt(dir, FAMILIES.toArray(String[]::new));
        Path bundled = PluginJars.built("windows-client").getFileName();
        Files.copy(PluginJars.built("windows-client"), dir.resolve("zz-windows-client-copy.jar"));
        host().rescan();

        assertThat(loadedIds()).isEqualTo(FAMILIES);
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.jar().getFileName().toString()).isEqualTo("zz-windows-client-copy.jar");
            assertThat(p.message())
                    .isEqualTo("zz-windows-client-copy.jar (plugin windows-client): plugin id windows-client is in "
                            + "two jars: " + bundled + " (loaded, kept) and zz-windows-client-copy.jar; remove one");
        });
    }

    @Test
    void aJarRefusedForAnotherJarsPluginIdLoadsOnceThatJarIsGoneThoughItIsUnchanged() throws Exception {
        // A rescan kept the refusal, naming a jar that was neither loaded nor there, until the file was touched.
        PluginJars.copyBuilt(dir, "windows-client");
        Path bundled = dir.resolve(PluginJars.built("windows-client").getFileName());
        Files.copy(PluginJars.built("windows-client"), dir.resolve("zz-windows-client-copy.jar"));
        host().rescan();
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("two jars"));

        assertThat(host.unload("windows-client")).isTrue();
        Files.delete(bundled);
        host.rescan();

        assertLoadedFrom("windows-client", "zz-windows-client-copy.jar");
        assertThat(host.problems()).isEmpty();
    }

    @Test
    void aJarThatFailsAgainForTheSameReasonIsStillOneProblem() throws Exception {
        PluginJars.variant(
                PluginJars.built("office2013"),
                dir.resolve("office2013-next.jar"),
                Map.of(),
                Map.of("Plugin-Requires", ">=99.0.0"));
        host().rescan();
        PluginProblem first = host.problems().get(0);
        host.rescan();
        assertThat(host.problems()).containsExactly(first);
    }

    private void assertLoadedFrom(String family, String jar) {
        assertThat(host.registry().family(family).get().source())
                .hasValueSatisfying(p -> assertThat(p.getFileName().toString()).isEqualTo(jar));
    }

    @Test
    void aThirdPartysJarNamedByItsArtifactWinsOverACopyOfIt() throws Exception {
        // As plugin-guide.md's example builds it (artifact windows-server-sac-plugin, plugin id windows-server-sac):
        // Explorer's " - Copy" sorts first, and the copy loaded while the original was refused.
        String built = "windows-client-plugin-0.1.0-SNAPSHOT.jar";
        Files.copy(PluginJars.built("windows-client"), dir.resolve(built));
        Files.copy(PluginJars.built("windows-client"), dir.resolve("windows-client-plugin-0.1.0-SNAPSHOT - Copy.jar"));
        host().rescan();

        assertLoadedFrom("windows-client", built);
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.jar().getFileName().toString()).endsWith(" - Copy.jar"));
    }

    @Test
    void ofTwoJarsWithOneIdTheShippedNameWinsEvenWhenTheCopySortsFirst() throws Exception {
        Files.copy(PluginJars.built("windows-client"), dir.resolve("windows-client-0.1.0-SNAPSHOT.jar"));
        Files.copy(PluginJars.built("windows-client"), dir.resolve("a-copy.jar"));
        host().rescan();

        assertLoadedFrom("windows-client", "windows-client-0.1.0-SNAPSHOT.jar");
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message())
                        .isEqualTo("a-copy.jar (plugin windows-client): plugin id windows-client is in two jars: "
                                + "windows-client-0.1.0-SNAPSHOT.jar (loaded, kept) and a-copy.jar; remove one"));
        assertThat(host.load(dir.resolve("a-copy.jar")))
                .as("a later load is refused the same way")
                .isEmpty();
        assertThat(loadedIds()).containsExactly("windows-client");
    }

    @Test
    void ofTwoJarsWithOneIdTheHigherVersionLoadsWhateverTheirNames() throws Exception {
        // A third party's windows-client 0.0.1, named as the build names jars, sorted before the bundled 0.1.0 and
        // displaced it at start.
        Files.copy(PluginJars.built("windows-client"), dir.resolve("windows-client-0.1.0-SNAPSHOT.jar"));
        PluginJars.variant(
                PluginJars.built("windows-client"),
                dir.resolve("windows-client-0.0.1.jar"),
                Map.of(),
                Map.of("Plugin-Version", "0.0.1"));
        host().rescan();

        assertLoadedFrom("windows-client", "windows-client-0.1.0-SNAPSHOT.jar");
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.jar().getFileName().toString()).isEqualTo("windows-client-0.0.1.jar"));
    }

    @Test
    void aJarWhoseCatalogClashesWithABundledFamilyIsTheOneRefusedWhateverItIsCalled() throws Exception {
        // The Semi-Annual Channel example, its first GVLK replaced by Windows Server 2022 Datacenter's, under a name
        // that sorts before the bundled windows-server jar: in file name order it loaded first and knocked out the
        // bundled family's 26 editions.
        String catalog = "com/example/kms/sac/catalog.json";
        Path example = ThirdPartyPluginIT.exampleJar();
        String clashing = new String(PluginJars.entry(example, catalog), StandardCharsets.UTF_8)
                .replace("6Y6KB-N82V8-D8CQV-23MJW-BWTG6", "WX4NM-KYWYW-QJJR4-XV3QB-6VM33");
        PluginJars.variant(
                example,
                dir.resolve("aaa-sac.jar"),
                mapOf(catalog, clashing.getBytes(StandardCharsets.UTF_8)),
                Map.of());
        PluginJars.copyBuilt(dir, "windows-server");

        host = new PluginHost(
                dir,
                new FamilyRegistry(),
                new CatalogReader(),
                PluginSignatures.notChecked(),
                PluginHost.ProblemReport.CALLER,
                new BundledFamilies(Set.of("windows-client", "windows-server")));
        host.rescan();

        assertThat(loadedIds()).containsExactly("windows-server");
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.jar().getFileName().toString()).isEqualTo("aaa-sac.jar");
            assertThat(p.reason())
                    .contains("key XXXXX-XXXXX-XXXXX-XXXXX-6VM33 is the key of Windows Server 2022 Datacenter")
                    .contains("already used by family windows-server");
        });
        host.close();

        // Without the installation's list the jars load in file name order, the clashing one first.
        host();
        host.rescan();
        assertThat(loadedIds()).containsExactly("windows-server-sac");
    }

    @Test
    void aFailedJarThatIsRemovedIsNoProblemAfterARescan() throws Exception {
        // Its FAILED entry, the failures gauge and the alert on it stayed until the agent restarted.
        Path jar = PluginJars.variant(
                PluginJars.built("office2013"),
                dir.resolve("office2013-next.jar"),
                Map.of(),
                Map.of("Plugin-Requires", ">=99.0.0"));
        host().rescan();
        assertThat(host.problems()).hasSize(1);

        Files.delete(jar);
        host.rescan();

        assertThat(host.problems()).isEmpty();
    }

    @Test
    void aJarHoldingThePluginApiIsToldToMarkItProvided() throws Exception {
        // PF4J said only "Different class loaders", and the agent that the jar contributes no family.
        assertThat(onlyProblemOf(
                        "office2010-fat.jar",
                        Map.of("org/kmsagent/api/Sku.class", new byte[] {(byte) 0xCA, (byte) 0xFE}),
                        Map.of()))
                .contains("the jar holds the plugin API's own classes", "scope provided");
    }

    /**
     * The one problem of office2010's jar, copied to {@code name} with these entries and manifest attributes changed
     * and alone in the folder: nothing loads.
     */
    private String onlyProblemOf(String name, Map<String, byte[]> entries, Map<String, String> manifest)
            throws Exception {
        PluginJars.variant(PluginJars.built("office2010"), dir.resolve(name), entries, manifest);
        host().rescan();
        assertThat(loadedIds()).isEmpty();
        assertThat(host.problems()).hasSize(1);
        return host.problems().get(0).message();
    }

    @Test
    void aPluginIdThatIsNotKebabCaseIsRefused() throws Exception {
        // It loaded beside windows-server, as a second family to the agent that an administrator reads as one.
        assertThat(onlyProblemOf("odd.jar", Map.of(), Map.of("Plugin-Id", "Windows-Server")))
                .contains("Plugin-Id 'Windows-Server' is not one kebab-case name");
    }

    @Test
    void aPluginVersionThatIsNoSemVerIsRefused() throws Exception {
        // The guide says SemVer, and the higher of two versions of one id loads: 'banana' was taken.
        assertThat(onlyProblemOf("banana.jar", Map.of(), Map.of("Plugin-Version", "banana")))
                .contains("Plugin-Version 'banana' is not a SemVer version");
    }

    @Test
    void aPluginRequiresThatIsNoVersionRangeIsRefusedNamingTheAttribute() throws Exception {
        // PF4J's words for it were "Illegal character near 'banana'", naming neither the attribute nor the fix.
        assertThat(onlyProblemOf("requires.jar", Map.of(), Map.of("Plugin-Requires", "banana")))
                .contains("Plugin-Requires 'banana' is not a version range of the plugin API (as >=0.1.0)");
    }

    @Test
    void aZipWithoutManifestIsNamedAsNoPlugin() throws Exception {
        PluginJars.copyBuilt(dir, "office2013");
        try (java.util.zip.ZipOutputStream zip =
                new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("nomanifest.jar")))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            zip.write("hello".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        host().rescan();

        assertThat(loadedIds()).containsExactly("office2013");
        String expected = "nomanifest.jar: the jar has no META-INF/MANIFEST.MF, so it is not a kms-agent plugin "
                + "(a plugin's manifest names its Plugin-Id and Plugin-Version; see docs/plugin-guide.md)";
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo(expected));
    }

    @Test
    void aManifestWithoutPluginIdIsNamedAsNoPlugin() throws Exception {
        PluginJars.variant(PluginJars.built("office2010"), dir.resolve("noid.jar"), Map.of(), Map.of("Plugin-Id", ""));
        host().rescan();

        assertThat(loadedIds()).isEmpty();
        String expected = "noid.jar: its META-INF/MANIFEST.MF names no Plugin-Id, so it is not a kms-agent plugin";
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith(expected));
    }

    @Test
    void aPluginClassMissingFromTheJarIsNamed() throws Exception {
        PluginJars.variant(
                PluginJars.built("office2010"),
                dir.resolve("badclass.jar"),
                Map.of(),
                Map.of("Plugin-Id", "bogus", "Plugin-Class", "com.example.Nope"));
        host().rescan();

        assertThat(loadedIds()).isEmpty();
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message())
                        .isEqualTo("badclass.jar (plugin bogus): Plugin-Class com.example.Nope is not in the jar"));
    }

    @Test
    void aPluginThatThrowsWhileStartingIsReportedAndTheOthersLoad() throws Exception {
        PluginJars.copyBuilt(dir, "windows-client", "windows-server", "office2013");
        String classFile = ExplodingPlugin.class.getName().replace('.', '/') + ".class";
        PluginJars.variant(
                PluginJars.built("office2010"),
                dir.resolve("office2010.jar"),
                mapOf(classFile, PluginJars.classBytes(ExplodingPlugin.class)),
                Map.of("Plugin-Class", ExplodingPlugin.class.getName()));
        host().rescan();

        assertThat(loadedIds()).containsExactlyInAnyOrder("windows-client", "windows-server", "office2013");
        assertThat(host.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("office2010.jar (plugin office2010)");
            assertThat(p.reason()).contains("licence store unreadable");
        });
    }

    @Test
    void aPluginClassWhoseConstructorThrowsIsReportedWithItsCauseAndTheOthersLoad() throws Exception {
        PluginJars.copyBuilt(dir, "windows-client", "windows-server", "office2013");
        PluginJars.variant(
                PluginJars.built("office2010"),
                dir.resolve("office2010.jar"),
                mapOf(PluginJars.classFile(ThrowingPlugin.class), PluginJars.classBytes(ThrowingPlugin.class)),
                Map.of("Plugin-Class", ThrowingPlugin.class.getName()));
        host().rescan();

        assertThat(loadedIds()).containsExactlyInAnyOrder("windows-client", "windows-server", "office2013");
        // Was ".start() failed: NullPointerException: ...", PF4J's own, after its stack trace of the constructor's.
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message())
                        .isEqualTo("office2010.jar (plugin office2010): " + ThrowingPlugin.class.getName()
                                + " could not be created: IllegalStateException: boom in constructor"));
    }

    @Test
    void aPluginForANewerApiIsRefused() throws Exception {
        PluginJars.variant(
                PluginJars.built("office2010"),
                dir.resolve("office2010.jar"),
                Map.of(),
                Map.of("Plugin-Requires", ">=9.0.0"));
        host().rescan();
        assertThat(loadedIds()).isEmpty();
        assertThat(host.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.reason()).contains(">=9.0.0").contains(PluginHost.API_VERSION));
    }

    @Test
    void aJarWhoseFileNameEndsInUpperCaseJarLoads() throws Exception {
        // Windows file names are case-insensitive, and OFFICE2010.JAR was skipped without a word.
        Files.copy(PluginJars.built("office2010"), dir.resolve("OFFICE2010.JAR"));
        host().rescan();

        assertThat(loadedIds()).containsExactly("office2010");
        assertThat(host.problems()).isEmpty();
    }

    @Test
    void aJarCopiedInAfterStartIsServedAfterARescan() throws Exception {
        PluginJars.copyBuilt(dir, "windows-client", "windows-server", "office2010");
        host().rescan();
        assertThat(loadedIds()).doesNotContain("office2013");

        PluginJars.copyBuilt(dir, "office2013");
        List<LoadedFamily> admitted = host.rescan();

        assertThat(admitted).extracting(LoadedFamily::id).containsExactly("office2013");
        assertThat(host.registry().family("office2013").get().catalog().byName("Office 2013 Professional Plus"))
                .isPresent();
        assertThat(host.rescan()).as("a second rescan loads nothing again").isEmpty();
    }

    @Test
    void aFailedJarIsRetriedOnceItChanges() throws Exception {
        Path jar = dir.resolve("office2013.jar");
        Files.write(jar, new byte[] {1, 2, 3});
        host().rescan();
        assertThat(host.problems()).hasSize(1);

        Files.copy(PluginJars.built("office2013"), jar, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        host.rescan();
        assertThat(loadedIds()).containsExactly("office2013");
        assertThat(host.problems()).isEmpty();
    }

    @Test
    void unloadRemovesTheFamilyAndARescanBringsItBack() throws Exception {
        PluginJars.copyBuilt(dir, "office2013");
        host().rescan();
        assertThat(host.unload("office2013")).isTrue();
        assertThat(loadedIds()).isEmpty();
        host.rescan();
        assertThat(loadedIds()).containsExactly("office2013");
    }

    private Set<String> products(String family) {
        return host.registry().family(family).get().catalog().skus().stream()
                .map(Sku::product)
                .collect(Collectors.toSet());
    }

    private Set<String> names(String family) {
        return host.registry().family(family).get().catalog().skus().stream()
                .map(Sku::name)
                .collect(Collectors.toSet());
    }

    private List<String> thresholds(String family) {
        return host.registry().family(family).get().catalog().thresholdClasses().stream()
                .map(t -> t.name() + "=" + t.minimumCount())
                .toList();
    }

    private static Map<String, byte[]> mapOf(String key, byte[] value) {
        Map<String, byte[]> m = new HashMap<>();
        m.put(key, value);
        return m;
    }
}
