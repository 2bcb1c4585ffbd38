package org.kmsagent.agent.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.kmsagent.agent.plugin.CatalogException;
import org.kmsagent.agent.plugin.CatalogReader;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingServices;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;

/**
 * The bundled families as LoadedFamily values for unit tests: each plugin's real catalog, read from its source
 * folder by the core's own {@link CatalogReader}, with the standard client flow (the plugin host that loads the
 * same catalogs from jars is tested by its own ITs). Nothing about a family is repeated here.
 */
public final class TestFamilies {
    private static final Path PLUGINS = Path.of("..", "..", "plugins");
    private static List<LoadedFamily> all;

    private TestFamilies() {}

    /** Every bundled family (every {@code plugins/<id>/}), ordered by id. */
    public static synchronized List<LoadedFamily> all() {
        if (all == null) {
            List<LoadedFamily> list = new ArrayList<>();
            try (Stream<Path> dirs = Files.list(PLUGINS)) {
                for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                        .sorted()
                        .toList()) {
                    list.add(load(dir.getFileName().toString(), ActivationHandler.STANDARD));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            all = List.copyOf(list);
        }
        return all;
    }

    public static LoadedFamily byId(String id) {
        return all().stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
    }

    /** The SKU id a bundled family's catalog gives an edition: what its plugin finds installed, and a host logs. */
    public static UUID skuId(String family, String edition) {
        return byId(family).catalog().byName(edition).orElseThrow().skuId().orElseThrow();
    }

    /**
     * The application whose table a KMS host counts a product (a SKU id) in, by the bundled catalogs, as an agent
     * watching a genuine host maps its log; empty for a product none of them knows.
     */
    public static Optional<String> applicationOf(String skuId) {
        UUID sku = UUID.fromString(skuId);
        return all().stream()
                .filter(f -> f.catalog().bySkuId(sku).isPresent())
                .map(f -> f.applicationId().toString())
                .findFirst();
    }

    /** The same family as {@code base} with another handler, e.g. a faulty one. */
    public static LoadedFamily withHandler(LoadedFamily base, ActivationHandler handler) {
        return load(base.id(), handler);
    }

    /**
     * A family built in code, without a plugin jar or catalog file: these editions, the standard client flow, SPP on
     * every Windows version and a 30-day grace period.
     */
    public static LoadedFamily inCode(String id, String displayName, UUID applicationId, List<Sku> skus) {
        SkuCatalog catalog = new SkuCatalog(
                id,
                displayName,
                applicationId,
                new LicensingServices(LicensingService.SPP, LicensingService.SPP),
                skus,
                List.of(),
                Optional.empty(),
                Duration.ofDays(30));
        return LoadedFamily.of(extension(id, null, ActivationHandler.STANDARD), catalog, id, "test", Optional.empty());
    }

    /** The catalog file of a bundled family. */
    public static Path catalogFile(String id) {
        return PLUGINS.resolve(id)
                .resolve(Path.of(
                        "src", "main", "resources", "org", "kmsagent", "plugins", id.replace("-", ""), "catalog.json"));
    }

    private static LoadedFamily load(String id, ActivationHandler handler) {
        URL url;
        try {
            url = catalogFile(id).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        try {
            CatalogReader.ReadCatalog read = new CatalogReader().readWithGroups(id, url);
            return LoadedFamily.of(
                    extension(id, url, handler), read.catalog(), read.productGroups(), id, "test", Optional.empty());
        } catch (CatalogException e) {
            throw new IllegalStateException("plugins/" + id + ": " + e.getMessage(), e);
        }
    }

    /** A family's extension as a plugin would give it: its id, its catalog (null: none), its handler. */
    private static ProductFamily extension(String id, URL catalog, ActivationHandler handler) {
        return new ProductFamily() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public URL catalogResource() {
                return catalog;
            }

            @Override
            public ActivationHandler activationHandler() {
                return handler;
            }
        };
    }
}
