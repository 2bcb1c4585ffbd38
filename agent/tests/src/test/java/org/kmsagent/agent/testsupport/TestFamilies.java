package org.kmsagent.agent.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicensePack;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.ThresholdClass;
import org.kmsagent.api.WindowsVersion;

/**
 * The four families as LoadedFamily values built in code for unit tests, with the real catalogs read from the
 * plugins' source folders (the plugin host that loads them from jars is tested by its own ITs). The handlers use
 * only the API's default client flow plus each family's licensing service, as the real plugins do.
 */
public final class TestFamilies {
  private static final UUID WINDOWS_APP = UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f");
  private static final UUID OFFICE2010_APP = UUID.fromString("59a52881-a989-479d-af46-f275c6370663");
  private static final UUID OFFICE2013_APP = UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663");
  private static List<LoadedFamily> all;

  private TestFamilies() {}

  /** windows-client, windows-server, office2010, office2013. */
  public static synchronized List<LoadedFamily> all() {
    if (all == null) {
      all = List.of(
          family("windows-client", "Windows client", WINDOWS_APP, CountPool.WINDOWS, "windowsclient",
              w -> LicensingService.SPP),
          family("windows-server", "Windows Server", WINDOWS_APP, CountPool.WINDOWS, "windowsserver",
              w -> LicensingService.SPP),
          family("office2010", "Office 2010", OFFICE2010_APP,
              new CountPool("office2010", "Office 2010", OFFICE2010_APP), "office2010", w -> LicensingService.OSPP),
          family("office2013", "Office 2013", OFFICE2013_APP,
              new CountPool("office2013", "Office 2013", OFFICE2013_APP), "office2013",
              w -> w.isWindows7OrOlder() ? LicensingService.OSPP : LicensingService.SPP));
    }
    return all;
  }

  public static LoadedFamily byId(String id) {
    return all().stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
  }

  /** A family whose handler is the API's default flow. */
  public static LoadedFamily family(String id, String displayName, UUID app, CountPool pool, String pkg,
      Function<WindowsVersion, LicensingService> service) {
    return withCatalog(id, displayName, app, pool, pkg, (ActivationHandler) service::apply);
  }

  /** The same family as {@code base} (catalog, pool) with another handler, e.g. a faulty one. */
  public static LoadedFamily withHandler(LoadedFamily base, ActivationHandler handler) {
    String pkg = base.id().replace("-", "");
    return withCatalog(base.id(), base.displayName(), base.applicationId(), base.countPool(), pkg, handler);
  }

  private static LoadedFamily withCatalog(String id, String displayName, UUID app, CountPool pool, String pkg,
      ActivationHandler handler) {
    Path catalogPath = Path.of("..", "..", "plugins", id, "src", "main", "resources", "org", "kmsagent", "plugins", pkg,
        "catalog.json");
    SkuCatalog catalog = readCatalog(catalogPath);
    ProductFamily ext = new ProductFamily() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public String displayName() {
        return displayName;
      }

      @Override
      public UUID applicationId() {
        return app;
      }

      @Override
      public CountPool countPool() {
        return pool;
      }

      @Override
      public URL catalogResource() {
        try {
          return catalogPath.toUri().toURL();
        } catch (MalformedURLException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public ActivationHandler activationHandler() {
        return handler;
      }
    };
    return new LoadedFamily(ext, catalog, displayName, app, pool, id, "test", Optional.empty());
  }

  /** Reads a plugin catalog document (format of docs/plugin-guide.md) into a SkuCatalog. */
  public static SkuCatalog readCatalog(Path file) {
    try {
      JsonNode root = new ObjectMapper().readTree(Files.readString(file));
      Map<String, ProductGroup> groups = new HashMap<>();
      for (JsonNode g : root.get("productGroups")) {
        groups.put(g.get("name").asText(),
            new ProductGroup(g.get("name").asText(), UUID.fromString(g.get("kmsId").asText())));
      }
      List<Sku> skus = new ArrayList<>();
      for (JsonNode s : root.get("skus")) {
        String tc = s.get("thresholdClass").asText();
        skus.add(new Sku(s.get("name").asText(), s.get("product").asText(), s.get("edition").asText(),
            s.hasNonNull("skuId") && !s.get("skuId").asText().isEmpty()
                ? Optional.of(UUID.fromString(s.get("skuId").asText())) : Optional.empty(),
            ProductKey.parse(s.get("gvlk").asText()), groups.get(s.get("group").asText()),
            ThresholdClass.wellKnown(tc).orElseThrow()));
      }
      List<HostKey> keys = new ArrayList<>();
      for (JsonNode k : root.path("hostKeys")) {
        Set<UUID> activates = new HashSet<>();
        k.get("activates").forEach(a -> activates.add(groups.get(a.asText()).kmsId()));
        keys.add(new HostKey(k.get("name").asText(), activates,
            k.hasNonNull("licensePack") ? Optional.of(k.get("licensePack").asText()) : Optional.empty(),
            k.get("generation").asInt()));
      }
      JsonNode lp = root.get("licensePack");
      Optional<LicensePack> pack = lp == null || lp.isNull() ? Optional.empty()
          : Optional.of(new LicensePack(lp.get("name").asText(), UUID.fromString(lp.get("hostActivationId").asText())));
      return new SkuCatalog(root.get("family").asText(), skus, keys, pack,
          Duration.ofDays(root.get("gracePeriodDays").asInt()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
