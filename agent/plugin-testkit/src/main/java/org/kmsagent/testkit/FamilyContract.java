package org.kmsagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.plugin.CatalogReader;
import org.kmsagent.agent.plugin.CountPools;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.WindowsVersion;

/**
 * The contract every product-family plugin's test extends: {@code class Office2013FamilyTest extends
 * FamilyContract { Office2013FamilyTest() { super(new Office2013Family()); } }}. It checks what the agent relies on
 * when it loads the plugin: the id given once and agreeing with the plugin's folder and {@code plugin.id}; a
 * catalog the core's reader accepts; the count pool following from the application id; host keys that form a
 * hierarchy; a README with the fixed headings naming every edition.
 *
 * <p>Surefire passes {@code kmsagent.plugin.id} (the module's {@code plugin.id}) and {@code basedir}.
 */
public abstract class FamilyContract {
    private static final List<String> README_HEADINGS =
            List.of("## Editions", "## Keys", "## Threshold classes", "## Host requirements");

    private final ProductFamily family;

    protected FamilyContract(ProductFamily family) {
        this.family = family;
    }

    private SkuCatalog catalog() throws Exception {
        return new CatalogReader().read(family.id(), family.catalogResource());
    }

    private static Path moduleDirectory() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    @Test
    void theIdIsKebabCaseAndEqualsThePluginIdAndTheFolder() {
        assertThat(family.id()).matches("[a-z0-9]+(-[a-z0-9]+)*");
        assertThat(System.getProperty("kmsagent.plugin.id"))
                .as("the module's plugin.id")
                .isEqualTo(family.id());
        assertThat(moduleDirectory().getFileName().toString())
                .as("the plugin's folder")
                .isEqualTo(family.id());
    }

    @Test
    void theCoreReadsTheCatalog() {
        assertThatCode(this::catalog).doesNotThrowAnyException();
    }

    @Test
    void theCountPoolFollowsTheApplicationId() throws Exception {
        SkuCatalog catalog = catalog();
        LoadedFamily loaded = LoadedFamily.of(family, catalog, family.id(), "test", Optional.empty());
        assertThat(loaded.countPool()).isEqualTo(CountPools.forApplication(catalog.applicationId()));
        assertThat(loaded.countPool().applicationId()).isEqualTo(catalog.applicationId());
    }

    @Test
    void everyEditionCanBeFoundByNameAndItsKeyIsAPublicKmsClientKey() throws Exception {
        SkuCatalog catalog = catalog();
        assertThat(catalog.skus()).isNotEmpty();
        for (Sku sku : catalog.skus()) {
            assertThat(catalog.byName(sku.name())).contains(sku);
            assertThat(sku.gvlk().value()).matches("([0-9A-Z]{5}-){4}[0-9A-Z]{5}");
        }
    }

    /**
     * Host keys form a hierarchy (docs/kms-rules.md §3.1): a newer key of the catalog activates every product group
     * an older one does, so no host is refused a product by upgrading its key.
     */
    @Test
    void aNewerHostKeyActivatesEveryGroupAnOlderOneDoes() throws Exception {
        List<HostKey> keys = catalog().hostKeys();
        for (HostKey older : keys) {
            for (HostKey newer : keys) {
                if (newer.generation() > older.generation()) {
                    assertThat(newer.activates())
                            .as(
                                    "%s (generation %d) activates what %s (generation %d) does",
                                    newer.name(), newer.generation(), older.name(), older.generation())
                            .containsAll(older.activates());
                }
            }
        }
    }

    @Test
    void theLicensingServiceOnEachWindowsGenerationIsTheCatalogs() throws Exception {
        SkuCatalog catalog = catalog();
        ActivationHandler handler = family.activationHandler();
        assertThat(handler).isNotNull();
        LicensingService onWindows7 = handler.licensingService(catalog, WindowsVersion.WINDOWS_7);
        LicensingService onWindows10 = handler.licensingService(catalog, WindowsVersion.WINDOWS_10);
        assertThat(onWindows7).isEqualTo(catalog.licensingServices().windows7AndOlder());
        assertThat(onWindows10).isEqualTo(catalog.licensingServices().windows8AndLater());
    }

    @Test
    void theReadmeHasTheFixedHeadingsAndNamesEveryEdition() throws Exception {
        Path readme = moduleDirectory().resolve("README.md");
        assertThat(readme).exists();
        String text = readText(readme);
        SkuCatalog catalog = catalog();
        assertThat(text.lines().findFirst().orElse(""))
                .isEqualTo("# " + catalog.displayName() + " (`" + family.id() + "`)");
        int at = 0;
        for (String heading : README_HEADINGS) {
            int found = text.indexOf("\n" + heading + "\n", at);
            assertThat(found).as("README heading '%s' in this order", heading).isGreaterThan(at);
            at = found;
        }
        for (Sku sku : catalog.skus()) {
            assertThat(text).as("README names every edition").contains(sku.name());
        }
    }

    private static String readText(Path file) throws IOException {
        return Files.readString(file);
    }
}
